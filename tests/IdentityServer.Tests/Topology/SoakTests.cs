using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using Iess.Identity.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Iess.Identity.Tests.Topology;

/// <summary>
/// Mixed load (sign-ins with code exchange, refresh-token rotations, whole recoveries by email code) on the two nodes
/// through nginx for <c>IESS_SOAK_SECONDS</c> (default 600; scripts/test.sh runs 60) after a warm-up that lasts until
/// the nodes' memory levels off (at most 90 seconds): no request may fail or answer 5xx, and each node's resident
/// memory at the end stays within 10% of its value after the warm-up.
/// </summary>
[Collection(TopologyCollection.Name)]
[Trait("Category", "Soak")]
public sealed class SoakTests(TopologyFixture topology, ITestOutputHelper output) : IAsyncLifetime
{
    private const int Workers = 4;

    public Task InitializeAsync() => topology.EnsureRunningAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    private static readonly TimeSpan SampleEvery = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan MinWarmUp = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan MaxWarmUp = TimeSpan.FromSeconds(90);

    /// <summary>The measured part, after the warm-up.</summary>
    public static TimeSpan Duration =>
        TimeSpan.FromSeconds(int.TryParse(Environment.GetEnvironmentVariable("IESS_SOAK_SECONDS"), out var seconds) ? Math.Max(seconds, 20) : 600);

    [Fact]
    public async Task MixedLoadOnTwoNodes_NoServerErrors_AndMemoryStaysFlat()
    {
        var duration = Duration;
        var counts = new ConcurrentDictionary<string, int>();
        var failures = new ConcurrentQueue<string>();
        var firstLogLine = topology.Proxy.Log().Count;
        var clock = Stopwatch.StartNew();
        using var stop = new CancellationTokenSource();

        var workers = new List<Task>();
        for (var w = 0; w < Workers; w++)
        {
            var signer = await topology.CreateAffiliateAsync();
            var recoverer = await topology.CreateAffiliateAsync();
            workers.Add(Task.Run(() => WorkAsync(signer, recoverer, counts, failures, stop.Token)));
        }

        // Warm-up: the same load until each node's memory has levelled off (JIT, pools, caches, GC budgets), at most MaxWarmUp.
        var series = new List<long[]>();
        var shown = new List<string>();
        void Sample()
        {
            series.Add(topology.Nodes.Select(n => n.ResidentKiB()).ToArray());
            shown.Add($"{clock.Elapsed.TotalSeconds:0}s " + string.Join("/", series[^1].Select(k => (k / 1024).ToString(CultureInfo.InvariantCulture))));
        }

        do
        {
            await Task.Delay(SampleEvery);
            Sample();
        }
        while (clock.Elapsed < MaxWarmUp && !(clock.Elapsed >= MinWarmUp && Levelled(series)));

        var warmUp = clock.Elapsed;
        var afterWarmUp = series[^1];
        var warmUpLogLine = topology.Proxy.Log().Count;
        while (clock.Elapsed - warmUp < duration)
        {
            await Task.Delay(SampleEvery);
            Sample();
        }

        await stop.CancelAsync();
        await Task.WhenAll(workers);
        var atEnd = topology.Nodes.Select(n => n.ResidentKiB()).ToArray();
        output.WriteLine("VmRSS MiB over time (node-a/node-b): " + string.Join(", ", shown));
        var requests = topology.Proxy.Log().Skip(firstLogLine).ToList();
        var serverErrors = requests.Where(r => r.Status >= 500).ToList();
        output.WriteLine($"Soak of {clock.Elapsed.TotalSeconds:0} s: warm-up {warmUp.TotalSeconds:0} s, then {duration.TotalSeconds:0} s measured; {Workers} workers through nginx.");
        output.WriteLine($"Operations: {string.Join(", ", counts.OrderBy(c => c.Key).Select(c => $"{c.Key} {c.Value}"))}; failed {failures.Count}.");
        output.WriteLine($"HTTP requests: {requests.Count} ({requests.Count - (warmUpLogLine - firstLogLine)} after warm-up); by node: " +
            string.Join(", ", requests.GroupBy(r => r.Node).Select(g => $"{g.Key} {g.Count()}")) + $"; 5xx: {serverErrors.Count}.");
        for (var i = 0; i < atEnd.Length; i++)
        {
            output.WriteLine($"{topology.Nodes[i].Name} VmRSS after warm-up {afterWarmUp[i] / 1024.0:0.0} MiB, at the end {atEnd[i] / 1024.0:0.0} MiB ({(atEnd[i] - afterWarmUp[i]) * 100.0 / afterWarmUp[i]:+0.0;-0.0}%).");
        }

        Assert.True(failures.IsEmpty, string.Join("\n", failures.Take(5)));
        Assert.True(serverErrors.Count == 0, string.Join("\n", serverErrors.Take(5)));
        Assert.All(counts.Keys, key => Assert.True(counts[key] > 0));
        for (var i = 0; i < atEnd.Length; i++)
        {
            Assert.True(Math.Abs(atEnd[i] - afterWarmUp[i]) <= afterWarmUp[i] / 10, $"{topology.Nodes[i].Name}: {afterWarmUp[i]} KiB after warm-up, {atEnd[i]} KiB at the end");
        }
    }

    /// <summary>Each node's last four samples (15 s) within 3% of each other.</summary>
    private static bool Levelled(List<long[]> series) =>
        series.Count >= 4 && Enumerable.Range(0, series[^1].Length).All(node =>
        {
            var recent = series.TakeLast(4).Select(sample => sample[node]).ToList();
            return recent.Max() - recent.Min() <= recent.Min() * 3 / 100;
        });

    /// <summary>One simulated user population: sign in, rotate the refresh token a few times, and every third round recover a password.</summary>
    private async Task WorkAsync(TestAffiliate signer, TestAffiliate recoverer, ConcurrentDictionary<string, int> counts, ConcurrentQueue<string> failures, CancellationToken stop)
    {
        var password = TestAffiliates.InitialPassword;
        for (var round = 0; !stop.IsCancellationRequested; round++)
        {
            try
            {
                var refresh = await PublicClientTokens.RefreshTokenAsync(topology.Address, new SignInAnswers(signer.Cedula, TestAffiliates.InitialPassword));
                counts.AddOrUpdate("sign-ins", 1, (_, c) => c + 1);
                for (var r = 0; r < 5 && !stop.IsCancellationRequested; r++)
                {
                    refresh = await RefreshAsync(refresh);
                    counts.AddOrUpdate("refreshes", 1, (_, c) => c + 1);
                }

                if (round % 3 == 0 && !stop.IsCancellationRequested)
                {
                    using var browser = topology.Browser();
                    var recovery = new RecoveryDriver(browser);
                    var code = await TwoNodeTests.ReachCodeAsync(topology, recovery, recoverer);
                    Assert.Equal("/Recovery/Reset", RecoveryDriver.Location(await recovery.CodeAsync(code)));
                    var next = TestPasswords.New("Soak");
                    Assert.Equal("/Recovery/Done", RecoveryDriver.Location(await recovery.ResetAsync(next)));
                    password = next;
                    counts.AddOrUpdate("recoveries", 1, (_, c) => c + 1);
                }
            }
            catch (Exception e)
            {
                failures.Enqueue($"round {round.ToString(CultureInfo.InvariantCulture)}: {e.GetType().Name}: {e.Message}");
            }
        }

        using var signIn = topology.Browser();
        if (RecoveryDriver.Location(await signIn.SignInAsync(recoverer.Cedula, password)) != "/")
        {
            failures.Enqueue($"{recoverer.Cedula} cannot sign in with the password of its last recovery");
        }
    }

    private async Task<string> RefreshAsync(string refreshToken)
    {
        using var http = new HttpClient { BaseAddress = topology.Address };
        using var response = await http.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "refresh_token", ["client_id"] = DemoAccounts.PublicClientId, ["refresh_token"] = refreshToken,
        }));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"refresh answered {(int)response.StatusCode}: {body}");
        return System.Text.Json.JsonDocument.Parse(body).RootElement.GetProperty("refresh_token").GetString()!;
    }
}
