package externalid

import (
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// ErrUnsupportedPartition reports a role ARN in an AWS partition (such as
// aws-cn or aws-us-gov) for which a [Pool] has no STS client. Configure one
// with [PoolOptions.PartitionClients]. The role is never sent to another
// partition's STS endpoint.
var ErrUnsupportedPartition = errors.New("externalid: unsupported partition")

// regionPartitions maps region prefixes to the partitions other than aws.
// Longer prefixes come first.
var regionPartitions = []struct{ prefix, partition string }{
	{"us-isob-", "aws-iso-b"},
	{"us-isof-", "aws-iso-f"},
	{"eu-isoe-", "aws-iso-e"},
	{"us-iso-", "aws-iso"},
	{"us-gov-", "aws-us-gov"},
	{"eusc-", "aws-eusc"},
	{"cn-", "aws-cn"},
}

// regionPartition returns the partition of an AWS region name.
func regionPartition(region string) string {
	for _, rp := range regionPartitions {
		if strings.HasPrefix(region, rp.prefix) {
			return rp.partition
		}
	}
	return "aws"
}

// clientPartition returns the partition an *sts.Client calls, judged by its
// region, also when it has a BaseEndpoint (requests are signed for the
// region, so an endpoint is assumed to be in the region's partition); and
// false for any other client, or one without a region, whose partition
// cannot be told (see PoolOptions.ClientPartition).
func clientPartition(c AssumeRoleAPIClient) (string, bool) {
	sc, ok := c.(*sts.Client)
	if !ok || sc == nil {
		return "", false
	}
	o := sc.Options()
	if o.Region == "" {
		return "", false
	}
	return regionPartition(o.Region), true
}

// checkRegionPartition refuses a non-empty region of another partition
// than the role's. Partitions that the region table does not know are not
// checked.
func checkRegionPartition(region, roleARN string) error {
	if region == "" {
		return nil
	}
	a, err := ParseRoleARN(roleARN)
	if err != nil {
		return err
	}
	rp := regionPartition(region)
	if rp == a.Partition || !knownPartition(a.Partition) {
		return nil
	}
	return fmt.Errorf("%w: the config's region %q is in partition %q, and role %s in partition %q; "+
		"use a region of partition %q in the base config", ErrUnsupportedPartition, region, rp, roleARN, a.Partition, a.Partition)
}

// knownPartition reports whether regionPartition can return p.
func knownPartition(p string) bool {
	if p == "aws" {
		return true
	}
	for _, rp := range regionPartitions {
		if rp.partition == p {
			return true
		}
	}
	return false
}

// partitionClients builds the partition-to-client map of a Pool: client
// serves clientPart (or the partition of its region), and each of extra
// serves its key. It refuses an *sts.Client configured for a region of
// another partition, so that no role is sent to the wrong endpoint.
func partitionClients(client AssumeRoleAPIClient, clientPart string, extra map[string]AssumeRoleAPIClient) (map[string]AssumeRoleAPIClient, error) {
	if isNil(client) {
		return nil, fmt.Errorf("%w: NewPool needs an STS client, got nil", ErrInvalidOptions)
	}
	if clientPart == "" {
		clientPart = "aws"
		if p, ok := clientPartition(client); ok {
			clientPart = p
		}
	}
	if !isPartition(clientPart) {
		return nil, poolOptionsError("ClientPartition %q is not an AWS partition such as aws or aws-cn", clientPart)
	}
	clients := map[string]AssumeRoleAPIClient{clientPart: client}
	for part, c := range extra {
		if _, dup := clients[part]; dup {
			return nil, poolOptionsError("PartitionClients has the key %q, which the client passed to NewPool already serves", part)
		}
		clients[part] = c
	}
	for part, c := range clients {
		if p, ok := clientPartition(c); ok && p != part {
			return nil, poolOptionsError("the STS client for partition %q is configured for a region of partition %q; "+
				"give each partition a client of its own region", part, p)
		}
	}
	return clients, nil
}

// clientFor returns the STS client of the role's partition.
func (p *Pool) clientFor(roleARN string) (AssumeRoleAPIClient, error) {
	a, err := ParseRoleARN(roleARN)
	if err != nil {
		return nil, err
	}
	c, ok := p.clients[a.Partition]
	if !ok {
		return nil, fmt.Errorf("%w: role %s is in partition %q, and the pool has no STS client for it; "+
			"set PoolOptions.PartitionClients[%q] to an STS client of a region in that partition",
			ErrUnsupportedPartition, roleARN, a.Partition, a.Partition)
	}
	return c, nil
}
