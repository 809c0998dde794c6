using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Iess.Identity.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Iess.Identity.Tests.Recovery;

/// <summary>
/// An attacker cannot tell a registered cédula from an unregistered one: the pages read the same and the knowledge
/// step takes the same time. The known cédula is the demo affiliate's, answered with wrong data.
/// </summary>
[Collection(TimingCollections.Recovery)]
public sealed partial class EnumerationTests(RecoveryServerFixture fixture, ITestOutputHelper output)
{
    private const string UnknownCedula = "0814164307";
    private const string WrongDateOfBirth = "1970-07-07";

    [Fact]
    public async Task UnknownCedula_Pages_EqualKnownCedulaWithWrongData()
    {
        var (knownKnow, knownFailure) = await PagesAsync(DemoAccounts.AffiliateCedula);
        var (unknownKnow, unknownFailure) = await PagesAsync(UnknownCedula);

        Assert.Contains("Fecha de nacimiento", WebUtility.HtmlDecode(knownKnow), StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Le quedan 4 intentos", WebUtility.HtmlDecode(knownFailure));
        Assert.Equal(Normalise(knownKnow), Normalise(unknownKnow));
        Assert.Equal(Normalise(knownFailure), Normalise(unknownFailure));
    }

    [Fact]
    public async Task KnowledgeStep_ResponseTime_KnownAndUnknownMediansDifferByLessThan25Ms()
    {
        const int runs = 50;
        using var known = new Walker(fixture, DemoAccounts.AffiliateCedula);
        using var unknown = new Walker(fixture, UnknownCedula);
        for (var i = 0; i < 5; i++)
        {
            await known.TimeWrongDateAsync();
            await unknown.TimeWrongDateAsync();
        }

        var knownTimes = new List<double>();
        var unknownTimes = new List<double>();
        for (var i = 0; i < runs; i++)
        {
            // Interleaved, and alternating which goes first, so drift in machine load hits both sides alike.
            if (i % 2 == 0)
            {
                knownTimes.Add(await known.TimeWrongDateAsync());
                unknownTimes.Add(await unknown.TimeWrongDateAsync());
            }
            else
            {
                unknownTimes.Add(await unknown.TimeWrongDateAsync());
                knownTimes.Add(await known.TimeWrongDateAsync());
            }
        }

        var knownMedian = Median(knownTimes);
        var unknownMedian = Median(unknownTimes);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"knowledge POST median over {runs}: known {knownMedian:F2} ms, unknown {unknownMedian:F2} ms"));
        Assert.True(Math.Abs(knownMedian - unknownMedian) < 25,
            string.Create(CultureInfo.InvariantCulture, $"Medians differ by {Math.Abs(knownMedian - unknownMedian):F1} ms (known {knownMedian:F1}, unknown {unknownMedian:F1})."));
    }

    private async Task<(string Know, string Failure)> PagesAsync(string cedula)
    {
        using var browser = fixture.Browser();
        var recovery = new RecoveryDriver(browser);
        Assert.Equal("/Recovery/Know", RecoveryDriver.Location(await recovery.IdentifyAsync(cedula)));
        var know = await browser.Http.GetStringAsync("/Recovery/Know");
        var failure = await recovery.DateOfBirthAsync(WrongDateOfBirth);
        Assert.Equal(HttpStatusCode.OK, failure.StatusCode);
        return (know, await failure.Content.ReadAsStringAsync());
    }

    /// <summary>
    /// Removes what differs per request (antiforgery token, asset version hashes, nonces) and the wording of the two
    /// questions offered: they are picked per cédula by a keyed hash, so they differ between any two cédulas, known or not.
    /// Their number and the markup around them must still match.
    /// </summary>
    private static string Normalise(string html)
    {
        html = AntiforgeryValue().Replace(html, "$1\"(token)\"");
        html = Nonce().Replace(html, "nonce=\"(nonce)\"");
        html = QuestionLabel().Replace(html, "<label for=\"answer-(q)\">(question)</label>");
        return QuestionInput().Replace(html, "id=\"answer-(q)\" name=\"Answers[(q)]\"");
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    [GeneratedRegex("(name=\"__af\" type=\"hidden\" value=)\"[^\"]+\"")]
    private static partial Regex AntiforgeryValue();

    [GeneratedRegex("nonce=\"[^\"]+\"")]
    private static partial Regex Nonce();

    [GeneratedRegex("<label for=\"answer-[0-9]+\">[^<]*</label>")]
    private static partial Regex QuestionLabel();

    [GeneratedRegex("id=\"answer-[0-9]+\" name=\"Answers\\[[0-9]+\\]\"")]
    private static partial Regex QuestionInput();

    /// <summary>Posts wrong dates of birth for one cédula, four per flow (the fifth would lock), starting flows as needed.</summary>
    private sealed class Walker(RecoveryServerFixture fixture, string cedula) : IDisposable
    {
        private FormClient? browser;
        private int attemptsInFlow;

        public async Task<double> TimeWrongDateAsync()
        {
            if (browser is null || attemptsInFlow == 4)
            {
                browser?.Dispose();
                browser = fixture.Browser();
                Assert.Equal("/Recovery/Know", RecoveryDriver.Location(await new RecoveryDriver(browser).IdentifyAsync(cedula)));
                attemptsInFlow = 0;
            }

            var token = FormClient.AntiforgeryToken(await browser.Http.GetStringAsync("/Recovery/Know"))!;
            using var form = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["__af"] = token, ["Method"] = "dob", ["DateOfBirth"] = WrongDateOfBirth,
            });
            var watch = Stopwatch.StartNew();
            using var response = await browser.Http.PostAsync("/Recovery/Know", form);
            await response.Content.ReadAsByteArrayAsync();
            watch.Stop();
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            attemptsInFlow++;
            return watch.Elapsed.TotalMilliseconds;
        }

        public void Dispose() => browser?.Dispose();
    }
}
