using System.Diagnostics;

namespace Iess.Identity.Bench;

/// <summary>A load scenario: per virtual user, something to set up once and one operation to repeat.</summary>
public interface IScenario
{
    string Name { get; }

    /// <summary>What one counted operation is, for the report.</summary>
    string Operation { get; }

    /// <summary>Prepares virtual user <paramref name="user"/> and returns its operation.</summary>
    Task<Func<CancellationToken, Task>> CreateUserAsync(int user, CancellationToken cancellationToken);

    /// <summary>Called after an operation failed, so the user can repair its state (a broken refresh chain).</summary>
    Task RecoverAsync(int user, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Time the last operation of <paramref name="user"/> spent in the driver's own work (not server latency).</summary>
    long TakeClientTicks(int user) => 0;
}

/// <summary>Runs a scenario with a fixed number of virtual users for a fixed time and measures it.</summary>
public static class ScenarioRunner
{
    private const int MaxErrorSamples = 5;

    public static async Task<ScenarioResult> RunAsync(
        IScenario scenario, int users, TimeSpan warmup, TimeSpan duration, ServerProcess server, CancellationToken abort,
        Func<(long From, long To)?>? window = null)
    {
        var operations = new Func<CancellationToken, Task>[users];
        using (var setup = CancellationTokenSource.CreateLinkedTokenSource(abort))
        {
            setup.CancelAfter(TimeSpan.FromMinutes(5));
            // Set-up runs a few users at a time so the server is not flooded before the clock starts.
            using var gate = new SemaphoreSlim(4);
            await Task.WhenAll(Enumerable.Range(0, users).Select(async user =>
            {
                await gate.WaitAsync(setup.Token);
                try
                {
                    operations[user] = await scenario.CreateUserAsync(user, setup.Token);
                }
                finally
                {
                    gate.Release();
                }
            }));
        }

        if (warmup > TimeSpan.Zero)
        {
            await LoopAsync(scenario, operations, warmup, record: false, abort);
        }

        var peakReset = server.ResetPeakResident();
        var cpuBefore = server.CpuTime();
        using var sampler = new ResidentSampler(server);
        var (latencies, starts, errors, samples, elapsed) = await LoopAsync(scenario, operations, duration, record: true, abort);
        abort.ThrowIfCancellationRequested();
        var cpu = server.CpuTime() - cpuBefore;
        var (peak, _) = server.ResidentMemory();
        var peakResident = peakReset ? peak : Math.Max(sampler.Max, 0);

        var sorted = latencies.SelectMany(l => l).ToArray();
        Array.Sort(sorted);
        long[]? inWindow = null;
        if (window?.Invoke() is { } span)
        {
            // Operations that overlapped the window (started before it closed and ended after it opened).
            inWindow = latencies.SelectMany((l, user) => l.Select((latency, k) => (Start: starts[user][k], Latency: latency)))
                .Where(o => o.Start <= span.To && o.Start + o.Latency >= span.From).Select(o => o.Latency).ToArray();
            Array.Sort(inWindow);
        }

        return new ScenarioResult
        {
            Name = scenario.Name,
            Operation = scenario.Operation,
            Users = users,
            Seconds = elapsed.TotalSeconds,
            Operations = sorted.Length,
            Errors = errors,
            ErrorSamples = samples,
            PerSecond = sorted.Length / elapsed.TotalSeconds,
            P50Ms = Percentile(sorted, 0.50),
            P99Ms = Percentile(sorted, 0.99),
            OperationsInWindow = inWindow?.Length,
            P99InWindowMs = inWindow is null ? null : Percentile(inWindow, 0.99),
            MaxMs = sorted.Length == 0 ? 0 : Milliseconds(sorted[^1]),
            ServerCpuPercent = 100 * cpu.TotalSeconds / elapsed.TotalSeconds,
            ServerPeakResidentBytes = Math.Max(peakResident, sampler.Max),
            PeakFromKernelMark = peakReset,
            ResidentAtStartBytes = sampler.FloorOf(first: true),
            ResidentAtEndBytes = sampler.FloorOf(first: false),
        };
    }

    private static async Task<(List<long>[] Latencies, List<long>[] Starts, int Errors, List<string> Samples, TimeSpan Elapsed)> LoopAsync(
        IScenario scenario, Func<CancellationToken, Task>[] operations, TimeSpan duration, bool record, CancellationToken abort)
    {
        var latencies = operations.Select(_ => new List<long>(4096)).ToArray();
        var starts = operations.Select(_ => new List<long>(4096)).ToArray();
        var errors = 0;
        var samples = new List<string>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(abort);
        stop.CancelAfter(duration);
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(operations.Select((operation, user) => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var started = Stopwatch.GetTimestamp();
                try
                {
                    await operation(stop.Token);
                    var client = scenario.TakeClientTicks(user);
                    if (record)
                    {
                        latencies[user].Add(Stopwatch.GetTimestamp() - started - client);
                        starts[user].Add(started);
                    }
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    scenario.TakeClientTicks(user);
                    // The clock ran out mid-operation; it is neither counted nor an error.
                }
                catch (Exception exception) when (exception is BenchFailure or HttpRequestException or System.Text.Json.JsonException or TaskCanceledException)
                {
                    scenario.TakeClientTicks(user);
                    if (record)
                    {
                        Interlocked.Increment(ref errors);
                        lock (samples)
                        {
                            if (samples.Count < MaxErrorSamples)
                            {
                                samples.Add($"{scenario.Name}: {exception.GetType().Name}: {exception.Message}");
                            }
                        }
                    }

                    try
                    {
                        await scenario.RecoverAsync(user, CancellationToken.None);
                    }
                    catch (Exception repair) when (repair is BenchFailure or HttpRequestException)
                    {
                        // The next operation fails and is counted again.
                    }
                }
            }
        })));

        return (latencies, starts, errors, samples, clock.Elapsed);
    }

    private static double Percentile(long[] sorted, double quantile) =>
        sorted.Length == 0 ? 0 : Milliseconds(sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(quantile * sorted.Length) - 1)]);

    private static double Milliseconds(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;

    /// <summary>
    /// Polls VmRSS every 100 ms while a scenario runs: the peak (for kernels that refuse to reset the peak mark) and
    /// the floor of the resident size at the start and at the end of the measured window, to show growth over a long
    /// run. The floor, not the median: between two collections the GC heap holds tens of MB of garbage, so a median
    /// depends on where the GC cycle happens to be, while memory that is really kept raises the lowest value.
    /// </summary>
    private sealed class ResidentSampler : IDisposable
    {
        private readonly CancellationTokenSource stop = new();
        private readonly Task loop;
        private readonly List<long> samples = [];
        private long max;

        public ResidentSampler(ServerProcess server) => loop = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested && !server.HasExited)
            {
                var (_, current) = server.ResidentMemory();
                Interlocked.Exchange(ref max, Math.Max(Interlocked.Read(ref max), current));
                lock (samples)
                {
                    samples.Add(current);
                }

                try
                {
                    await Task.Delay(100, stop.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        });

        public long Max => Interlocked.Read(ref max);

        /// <summary>The lowest resident size over the first (or last) tenth of the window, at most 30 s of it.</summary>
        public long FloorOf(bool first)
        {
            lock (samples)
            {
                var count = Math.Clamp(samples.Count / 10, 1, 300);
                var part = first ? samples.Take(count) : samples.TakeLast(count);
                return part.DefaultIfEmpty(0).Min();
            }
        }

        public void Dispose()
        {
            stop.Cancel();
            try
            {
                loop.Wait(TimeSpan.FromSeconds(2));
            }
            catch (AggregateException)
            {
                // The server went away; the maximum so far stands.
            }

            stop.Dispose();
        }
    }
}

/// <summary>The figures of one scenario run.</summary>
public sealed class ScenarioResult
{
    public required string Name { get; init; }

    public required string Operation { get; init; }

    public int Users { get; init; }

    public double Seconds { get; init; }

    public long Operations { get; init; }

    public int Errors { get; init; }

    public List<string> ErrorSamples { get; init; } = [];

    public double PerSecond { get; init; }

    public double P50Ms { get; init; }

    public double P99Ms { get; init; }

    public double MaxMs { get; init; }

    /// <summary>What the run was against when it is not the default deployment (registry size, pruning).</summary>
    public string? Label { get; set; }

    /// <summary>Operations that overlapped the watched window (pruning), and their p99; null when nothing was watched.</summary>
    public int? OperationsInWindow { get; init; }

    public double? P99InWindowMs { get; init; }

    /// <summary>Server CPU time over wall time; 100 % is one core.</summary>
    public double ServerCpuPercent { get; init; }

    public long ServerPeakResidentBytes { get; init; }

    /// <summary>True when the peak is the kernel's VmHWM (reset when the measured window starts); false when polled VmRSS.</summary>
    public bool PeakFromKernelMark { get; init; }

    /// <summary>Lowest VmRSS over the first and the last tenth of the measured window (at most 30 s each).</summary>
    public long ResidentAtStartBytes { get; init; }

    public long ResidentAtEndBytes { get; init; }

    public double? ResidentGrowthPercent => ResidentAtStartBytes > 0 ? 100.0 * (ResidentAtEndBytes - ResidentAtStartBytes) / ResidentAtStartBytes : null;

    public string? Limit { get; set; }

    public double? LimitPerSecond { get; set; }

    public double? RatioToLimit => LimitPerSecond is > 0 ? PerSecond / LimitPerSecond : null;
}
