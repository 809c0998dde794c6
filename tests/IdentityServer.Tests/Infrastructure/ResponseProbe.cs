using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace Iess.Identity.Tests.Infrastructure;

/// <summary>What a person (or an attacker) sees of one answer: its status, the page it shows or leads to, and the visible messages.</summary>
public sealed record Seen(int Status, string Page, string Message);

/// <summary>One timed request and what it showed.</summary>
public sealed record Probe(Seen Seen, double Milliseconds);

/// <summary>One side of an enumeration comparison (e.g. "unknown RUC"): each call runs the step once and times only the request under test.</summary>
public sealed record ProbeCase(string Name, Func<Task<Probe>> Run);

/// <summary>What a case showed over all runs, in order, and the median time of its request.</summary>
public sealed record ProbeResult(string Name, IReadOnlyList<Seen> Seen, double Median);

/// <summary>
/// Enumeration checks: runs known and unknown identifiers through the same step many times, interleaved (the order
/// rotates every round, so drift in machine load hits every case alike), and asserts that every case shows exactly
/// what the first shows, run by run, with a median time within the tolerance of the first's.
/// </summary>
public static partial class ResponseProbe
{
    private static readonly ConditionalWeakTable<FormClient, string> Tokens = [];

    /// <summary>
    /// Posts a form the way the page would (the antiforgery token is read once per browser, untimed) and times the POST
    /// and the reading of its answer.
    /// </summary>
    public static async Task<Probe> PostAsync(FormClient browser, string path, IDictionary<string, string> fields)
    {
        if (!Tokens.TryGetValue(browser, out var token))
        {
            token = FormClient.AntiforgeryToken(await browser.Http.GetStringAsync(path))
                ?? throw new InvalidOperationException($"{path} has no form.");
            Tokens.AddOrUpdate(browser, token);
        }

        using var form = new FormUrlEncodedContent(new Dictionary<string, string>(fields) { ["__af"] = token });
        var watch = Stopwatch.StartNew();
        using var response = await browser.Http.PostAsync(path, form);
        var body = await response.Content.ReadAsStringAsync();
        watch.Stop();
        return new Probe(SeenOf(response, path, body), watch.Elapsed.TotalMilliseconds);
    }

    /// <summary>The status, the page (the redirect's target, else the page posted to) and the visible messages: title, alerts, field errors.</summary>
    public static Seen SeenOf(HttpResponseMessage response, string path, string body)
    {
        var status = (int)response.StatusCode;
        if (status is >= 300 and < 400)
        {
            return new Seen(status, response.Headers.Location?.OriginalString ?? "", "");
        }

        var messages = VisibleMessage().Matches(body).Select(m => WebUtility.HtmlDecode(Tags().Replace(m.Groups["text"].Value, " ")))
            .Select(t => Spaces().Replace(t, " ").Trim())
            .Where(t => t.Length > 0);
        return new Seen(status, path, string.Join(" | ", messages));
    }

    /// <summary>Runs every case <paramref name="runs"/> times after <paramref name="warmup"/> untimed rounds.</summary>
    public static async Task<IReadOnlyList<ProbeResult>> RunAsync(int runs, int warmup, params ProbeCase[] cases)
    {
        var seen = cases.Select(_ => new List<Seen>()).ToArray();
        var times = cases.Select(_ => new List<double>()).ToArray();
        for (var round = 0; round < warmup + runs; round++)
        {
            for (var k = 0; k < cases.Length; k++)
            {
                var c = (round + k) % cases.Length;
                var probe = await cases[c].Run();
                if (round >= warmup)
                {
                    seen[c].Add(probe.Seen);
                    times[c].Add(probe.Milliseconds);
                }
            }
        }

        return cases.Select((c, i) => new ProbeResult(c.Name, seen[i], Median(times[i]))).ToList();
    }

    /// <summary>
    /// Writes the medians, then asserts that every case saw, run by run, what the first case saw and that its median is
    /// within <paramref name="toleranceMs"/> of the first's.
    /// </summary>
    public static void AssertIndistinguishable(string step, IReadOnlyList<ProbeResult> results, ITestOutputHelper output, double toleranceMs = 25)
    {
        var reference = results[0];
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{step}: medians over {reference.Seen.Count} runs: {string.Join(", ", results.Select(r => $"{r.Name} {r.Median:F2} ms"))}; first answer: {reference.Seen[0]}"));
        foreach (var result in results.Skip(1))
        {
            for (var run = 0; run < reference.Seen.Count; run++)
            {
                Assert.True(reference.Seen[run] == result.Seen[run],
                    $"{step}, run {run}: '{result.Name}' saw {result.Seen[run]} but '{reference.Name}' saw {reference.Seen[run]}.");
            }

            Assert.True(Math.Abs(result.Median - reference.Median) < toleranceMs, string.Create(CultureInfo.InvariantCulture,
                $"{step}: median of '{result.Name}' {result.Median:F1} ms vs '{reference.Name}' {reference.Median:F1} ms."));
        }
    }

    public static double Median(IReadOnlyList<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    [GeneratedRegex("<h1[^>]*>(?<text>.*?)</h1>|<(?<tag>div|p|span)[^>]*(?:role=\"alert\"|class=\"(?:error|notice)[^\"]*\")[^>]*>(?<text>.*?)</\\k<tag>>", RegexOptions.Singleline)]
    private static partial Regex VisibleMessage();

    [GeneratedRegex("<[^>]+>")]
    private static partial Regex Tags();

    [GeneratedRegex("\\s+")]
    private static partial Regex Spaces();
}

/// <summary>
/// Keeps one browser in a flow for <paramref name="stepsPerFlow"/> runs of a step (each fails and counts an attempt), then
/// starts a new browser and flow with <paramref name="start"/>; every case of a comparison restarts at the same run.
/// </summary>
public sealed class FlowWalker(Uri server, Func<FormClient, Task> start, int stepsPerFlow) : IDisposable
{
    private FormClient? browser;
    private int steps;

    public async Task<FormClient> NextAsync()
    {
        if (browser is null || steps == stepsPerFlow)
        {
            browser?.Dispose();
            browser = new FormClient(server);
            await start(browser);
            steps = 0;
        }

        steps++;
        return browser;
    }

    public void Dispose() => browser?.Dispose();
}
