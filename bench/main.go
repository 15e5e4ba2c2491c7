// Command bench measures the externalid Pool and SecretsManagerResolver
// against the AWS SDK's own caches, and prints one table of ratios and
// figures, all measured in the same run:
//
//	cd bench && go run .            # the full run, about 3 minutes on 2 cores
//	cd bench && go run . -quick     # smaller sizes, for a quick look
//
// The same measurements run as Go benchmarks with go test -bench . in this
// directory.
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"runtime"
	"strings"
	"testing"
	"text/tabwriter"
	"time"
)

// sizes are the workload sizes of a run.
type sizes struct {
	lookupTenants, memoryTenants, dayTenants, dayCallers, coldTenants int
	dayStep                                                           time.Duration
}

var (
	full  = sizes{lookupTenants: 100_000, memoryTenants: 100_000, dayTenants: 10_000, dayCallers: 4, coldTenants: 1_000, dayStep: time.Minute}
	quick = sizes{lookupTenants: 100_000, memoryTenants: 100_000, dayTenants: 2_000, dayCallers: 4, coldTenants: 100, dayStep: 5 * time.Minute}
)

// row is one line of the table.
type row struct {
	id, measure, result, target string
	met                         string // "yes", "NO", "borderline" or "n/a", with a reason if short
}

func yesNo(ok bool) string {
	if ok {
		return "yes"
	}
	return "NO"
}

func main() {
	quickFlag := flag.Bool("quick", false, "smaller day, cold and moto sizes")
	noMoto := flag.Bool("no-moto", false, "skip the cold path over HTTP against moto")
	testing.Init()
	flag.Parse()
	// Each benchmark runs best-of-3 (see best): shorter runs keep the whole
	// table near 3 minutes on 2 cores.
	if err := flag.Set("test.benchtime", "500ms"); err != nil {
		panic(err)
	}
	sz := full
	if *quickFlag {
		sz = quick
	}
	start := time.Now()
	fmt.Fprintf(os.Stderr, "bench: %s, GOMAXPROCS=%d, %s/%s\n", runtime.Version(), runtime.GOMAXPROCS(0), runtime.GOOS, runtime.GOARCH)

	var rows []row
	add := func(r row) {
		rows = append(rows, r)
		fmt.Fprintf(os.Stderr, "bench: %s done (%s)\n", r.id, time.Since(start).Round(time.Second))
	}
	add(warmRow())
	rows = append(rows, lookupRows(sz.lookupTenants)...)
	add(stampedeRow())
	day := dayRows(sz)
	rows = append(rows, day[:len(day)-1]...)
	add(day[len(day)-1])
	add(memoryRow(sz.memoryTenants))
	add(resolverRow())
	rows = append(rows, coldRows(sz.coldTenants, *noMoto)...)

	w := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "#\tmeasure\tresult\ttarget\tmet")
	fmt.Fprintln(w, "-\t-------\t------\t------\t---")
	for _, r := range rows {
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\n", r.id, r.measure, r.result, r.target, r.met)
	}
	w.Flush()
	fmt.Printf("\n%s, GOMAXPROCS=%d, %s/%s; benchmarks best of %d runs of 500ms; total %s\n",
		runtime.Version(), runtime.GOMAXPROCS(0), runtime.GOOS, runtime.GOARCH, benchRounds, time.Since(start).Round(time.Second))
}

func nsop(r testing.BenchmarkResult) float64 { return float64(r.T.Nanoseconds()) / float64(r.N) }

// benchRounds is how many times best runs each benchmark.
const benchRounds = 3

// best runs the benchmarks benchRounds times, interleaved, and keeps each
// one's fastest run: on a shared or virtualised machine, the fastest run is
// the one least disturbed by neighbours, and interleaving exposes the
// benchmarks of one comparison to the same disturbances.
func best(fns ...func(*testing.B)) []testing.BenchmarkResult {
	out := make([]testing.BenchmarkResult, len(fns))
	for round := range benchRounds {
		for i, fn := range fns {
			if r := testing.Benchmark(fn); round == 0 || nsop(r) < nsop(out[i]) {
				out[i] = r
			}
		}
	}
	return out
}

func warmRow() row {
	r := best(benchPoolProviderWarm, benchSDKCacheWarm)
	pool, sdk := r[0], r[1]
	ratio := nsop(pool) / nsop(sdk)
	return row{
		id:      "1",
		measure: "warm Retrieve, one pooled provider vs aws.NewCredentialsCache(stscreds)",
		result: fmt.Sprintf("%.2fx (%.0f vs %.0f ns/op), %d allocs/op (SDK %d)",
			ratio, nsop(pool), nsop(sdk), pool.AllocsPerOp(), sdk.AllocsPerOp()),
		target: "<=1.2x, 0 allocs",
		met:    ratioMet(ratio, 1.2, pool.AllocsPerOp() == 0),
	}
}

func lookupRows(tenants int) []row {
	w, err := newWarmPool(tenants, 16)
	if err != nil {
		return []row{{id: "2", measure: "warm lookup at scale", result: "error: " + err.Error(), met: "NO"}}
	}
	defer w.pool.Close()
	floorBench := benchBareMapLookup(w.tenants)
	r := best(w.benchLookup, benchSDKCacheWarmParallel, w.benchLookupHot, floorBench)
	all, sdkAll, hot, floor := r[0], r[1], r[2], r[3]
	var one, floorOne testing.BenchmarkResult
	withProcs(1, func() {
		r := best(w.benchLookup, floorBench)
		one, floorOne = r[0], r[1]
	})
	resident := w.pool.Len() == tenants && w.sts.calls.Load() == int64(tenants)

	ratio := nsop(all) / nsop(sdkAll)
	scale := nsop(one) / nsop(all)
	procs := runtime.GOMAXPROCS(0)
	return []row{
		{
			id:      "2",
			measure: fmt.Sprintf("warm Pool.Credentials+Retrieve, %d tenants resident, uniform over all, %d cores, vs SDK cache warm Retrieve (parallel)", tenants, procs),
			result: fmt.Sprintf("%.1fx (%.0f vs %.0f ns/op), %d allocs/op; all resident: %v",
				ratio, nsop(all), nsop(sdkAll), all.AllocsPerOp(), resident),
			target: "<=3x, 0 allocs",
			met:    ratioMet(ratio, 3, all.AllocsPerOp() == 0 && resident),
		},
		{
			id:      "2a",
			measure: "  same pattern on a bare Go map[struct{tenant, role string}]*T (memory floor of this machine)",
			result:  fmt.Sprintf("%.0f ns/op; pool = %.2fx the bare map", nsop(floor), nsop(all)/nsop(floor)),
			target:  "reference",
			met:     "n/a",
		},
		{
			id:      "2b",
			measure: fmt.Sprintf("  throughput, GOMAXPROCS=1 vs %d", procs),
			result: fmt.Sprintf("%.2f vs %.2f M lookups/s (%.2fx; the bare map: %.2fx)",
				1e3/nsop(one), 1e3/nsop(all), scale, nsop(floorOne)/nsop(floor)),
			target: "scales with cores",
			met:    yesNo(scale >= 0.75*float64(procs)),
		},
		{
			id:      "2c",
			measure: fmt.Sprintf("  same, traffic on %d hot tenants of the %d resident", hotTenants, tenants),
			result: fmt.Sprintf("%.2fx (%.0f vs %.0f ns/op), %d allocs/op",
				nsop(hot)/nsop(sdkAll), nsop(hot), nsop(sdkAll), hot.AllocsPerOp()),
			target: "<=3x, 0 allocs",
			met:    ratioMet(nsop(hot)/nsop(sdkAll), 3, hot.AllocsPerOp() == 0),
		},
	}
}

func stampedeRow() row {
	r := stampede(1000, 200, settleByStall)
	return row{
		id:      "3",
		measure: "stampede: 1,000 goroutines over 200 cold tenants (SecretsManagerResolver), AWS held until all have entered",
		result: fmt.Sprintf("%d AssumeRole, %d GetSecretValue, %d errors; %d callers in Retrieve when AWS answered",
			r.assumeRole, r.getValue, r.errors, r.inBeforeOpen),
		target: "200 and 200",
		met:    yesNo(r.ok()),
	}
}

func dayRows(sz sizes) []row {
	r, err := simulateDay(dayConfig{tenants: sz.dayTenants, callers: sz.dayCallers, step: sz.dayStep, settle: settleByStall})
	if err != nil {
		return []row{{id: "4", measure: "simulated 24 h", result: "error: " + err.Error(), met: "NO"}}
	}
	day := fmt.Sprintf("%v simulated", r.simulated)
	if r.simulated < 24*time.Hour {
		day = fmt.Sprintf("STOPPED after %v: a caller waited", r.simulated)
	}
	perLifetimeMet := "NO, by design"
	if r.perLifetime() <= 1.005 {
		perLifetimeMet = "yes"
	}
	return []row{
		{
			id: "4",
			measure: fmt.Sprintf("simulated 24 h: %d tenants, 1-h credentials, %d goroutines each call Retrieve for every tenant every %v, STS held during each pass (%d Retrieves, %s wall)",
				r.tenants, r.callers, r.step, r.retrieves, r.wall.Round(100*time.Millisecond)),
			result: fmt.Sprintf("%.2f AssumeRole per tenant per credential lifetime (%d calls / (%d tenants x %.0f h / 1 h)); a tenant's calls %v-%v apart; %s",
				r.perLifetime(), r.assumeRole, r.tenants, r.simulated.Hours(), r.minGap.Round(time.Minute), r.maxGap.Round(time.Minute), day),
			target: "1.00",
			met:    perLifetimeMet,
		},
		{
			id:      "4a",
			measure: "  same day: duplicates, waits, wasted calls",
			result: fmt.Sprintf("%d duplicate refreshes (largest overlap of a pair's credentials %v, allowed %v); %d callers waited on STS after their tenant's first call; %.2f AssumeRole per credential set served (%d sets); %d errors, %d wrong-tenant, %d expired",
				r.duplicates, r.maxOverlap.Round(time.Minute), maxRefreshWindow, r.waited, r.perServed(), r.credentialSets, r.errors, r.wrongTenant, r.expiredServed),
			target: "0 duplicates, 0 waits",
			met:    yesNo(r.ok()),
		},
	}
}

func memoryRow(tenants int) row {
	r, err := measureMemory(tenants, 1024)
	if err != nil {
		return row{id: "5", measure: "memory", result: "error: " + err.Error(), met: "NO"}
	}
	return row{
		id:      "5",
		measure: fmt.Sprintf("memory: live heap per tenant, %d tenants, 1,024-byte session tokens", tenants),
		result: fmt.Sprintf("%.0f B/tenant (%.0f MiB); %.0f B beyond the %d B of credential strings",
			r.perTenant, r.heapTotalMiB, r.beyondCreds, r.credStrings),
		target: "<=2048 B beyond",
		met:    yesNo(r.beyondCreds <= 2048),
	}
}

func resolverRow() row {
	r := best(benchResolverWarm, benchSecretCacheWarm)
	ours, theirs := r[0], r[1]
	ratio := nsop(ours) / nsop(theirs)
	return row{
		id:      "6",
		measure: "SecretsManagerResolver warm lookup vs aws-secretsmanager-caching-go v2.2.0 GetSecretString warm",
		result: fmt.Sprintf("%.2fx (%.0f vs %.0f ns/op; %d vs %d allocs/op)",
			ratio, nsop(ours), nsop(theirs), ours.AllocsPerOp(), theirs.AllocsPerOp()),
		target: "<=0.5x",
		met:    ratioMet(ratio, 0.5, true),
	}
}

// ratioNoise is the relative run-to-run spread of the micro-benchmark
// ratios on a 2-core shared machine: row 1 ranged from 0.76x to 1.18x, row
// 6 from 0.46x to 0.61x (see BENCHMARKS.md).
const ratioNoise = 0.25

// ratioMet judges a "lower is better" ratio against its target, given that
// runs differ by up to ratioNoise: "yes" only if it meets the target with
// room to spare, "NO" if it misses it beyond the noise or if the row's
// strict conditions (allocations) fail, and "borderline" when another run
// could land on either side.
func ratioMet(got, target float64, strict bool) string {
	switch {
	case !strict || got > target*(1+ratioNoise):
		return "NO"
	case got <= target*(1-ratioNoise):
		return "yes"
	}
	return "borderline"
}

func coldRows(tenants int, skip bool) []row {
	skipped := func(why string) []row {
		return []row{{id: "7", measure: "cold path over HTTP against moto", result: "skipped: " + why, target: "<=5% overhead", met: "n/a"}}
	}
	if skip {
		return skipped("-no-moto")
	}
	m, err := startMoto()
	if errors.Is(err, errNoMoto) {
		return skipped("moto not installed")
	}
	if err != nil {
		return skipped(err.Error())
	}
	defer m.close()
	res, err := coldOverHTTP(m.url, tenants, []int{1, 32})
	if err != nil {
		return []row{{id: "7", measure: "cold path over HTTP against moto", result: "error: " + err.Error(), met: "NO"}}
	}
	var rows []row
	for i, r := range res {
		mode := "sequential"
		if r.workers > 1 {
			mode = fmt.Sprintf("%d workers", r.workers)
		}
		rows = append(rows, row{
			id:      fmt.Sprintf("7%c", 'a'+i),
			measure: fmt.Sprintf("cold first Retrieve over HTTP (moto), %d tenants, %s, vs raw GetSecretValue+AssumeRole", r.tenants, mode),
			result: fmt.Sprintf("end to end %+.1f%% (%.2f vs %.2f ms per tenant); the pool's own time %.3f ms = %.2f%%",
				100*r.overhead(), ms(r.pool), ms(r.raw), ms(r.inProcess), 100*r.inProcessOverhead()),
			target: "<=5% overhead",
			met:    yesNo(r.overhead() <= 0.05),
		})
	}
	return rows
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// benchBareMapLookup measures a plain map lookup with the same keys and
// access pattern as warmPool.benchLookup: the cost of reaching 100,000
// entries in memory at all, on this machine.
func benchBareMapLookup(tenants []string) func(*testing.B) {
	type key struct{ tenant, role string }
	type value struct{ n int }
	m := make(map[key]*value, len(tenants))
	for _, t := range tenants {
		m[key{strings.Clone(t), strings.Clone(roleARN)}] = &value{}
	}
	return func(b *testing.B) {
		n := len(tenants)
		var seq atomicInt
		b.ReportAllocs()
		b.ResetTimer()
		b.RunParallel(func(pb *testing.PB) {
			i := int(seq.add()*104729) % n
			sum := 0
			for pb.Next() {
				sum += m[key{tenants[i], roleARN}].n
				i = (i + lookupStride) % n
			}
			sink(sum)
		})
	}
}
