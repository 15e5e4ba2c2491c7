package main

import "testing"

func BenchmarkSecretsManagerResolverWarm(b *testing.B) { benchResolverWarm(b) }

func BenchmarkSecretCacheGetSecretStringWarm(b *testing.B) { benchSecretCacheWarm(b) }
