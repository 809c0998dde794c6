using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Iess.Identity.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Iess.Identity.Tests.Employers;

/// <summary>
/// An attacker cannot tell which part of RUC + branch + legal representative was wrong, nor whether it was right: a
/// wrong representative, a wrong branch and an unknown RUC end on the same page, with the same message and timing, as
/// the right combination with a wrong code. The right combination is the demo employer's branch 0001.
/// </summary>
[Collection(EmployerCollection.Name)]
public sealed partial class EmployerEnumerationTests(EmployerServerFixture fixture, ITestOutputHelper output)
{
    private const string Representative = "1713175071";
    private const string OtherValidCedula = "0926687856";
    private const string UnknownRuc = "1710034065001";

    public static TheoryData<string, string, string> Wrong => new()
    {
        { DemoAccounts.EmployerRuc, "0001", OtherValidCedula },
        { DemoAccounts.EmployerRuc, "0003", Representative },
        { UnknownRuc, "0001", Representative },
    };

    [Theory]
    [MemberData(nameof(Wrong))]
    public async Task WrongPart_EndsOnTheSamePageAndMessage_AsTheRightCombinationWithAWrongCode(string ruc, string branch, string representative)
    {
        var genuine = await WrongCodePageAsync(DemoAccounts.EmployerRuc, "0001", Representative);
        var phantom = await WrongCodePageAsync(ruc, branch, representative);

        Assert.Contains("Los datos no coinciden con nuestros registros. Le quedan 4 intentos", WebUtility.HtmlDecode(genuine));
        Assert.Equal(Normalise(genuine), Normalise(phantom));
    }

    [Fact]
    public async Task WrongRepresentative_OnABranchWithAnImage_SeesTheSameGrid_TheRealImageFails_AndADecoyLeadsToTheSameCodePage()
    {
        var employer = await fixture.CreateEmployerAsync(image: 31);
        using var right = fixture.Browser();
        using var wrong = fixture.Browser();
        Assert.Equal("/Employer/Recovery/Image", EmployerDriver.Location(await new EmployerDriver(right).IdentifyAsync(employer.Ruc, employer.Branch, employer.Representative)));
        var wrongDriver = new EmployerDriver(wrong);
        Assert.Equal("/Employer/Recovery/Image", EmployerDriver.Location(await wrongDriver.IdentifyAsync(employer.Ruc, employer.Branch, EmployerIds.NewCedula())));
        var rightGrid = Normalise(await right.Http.GetStringAsync("/Employer/Recovery/Image"));
        Assert.Contains("value=\"31\"", rightGrid);
        Assert.Equal(rightGrid, Normalise(await wrong.Http.GetStringAsync("/Employer/Recovery/Image")));

        Assert.Contains("Le quedan 4 intentos", await EmployerDriver.BodyAsync(await wrongDriver.PickImageAsync(31)));
        var (_, decoy) = await fixture.PhantomProfileAsync(employer.Ruc, employer.Branch, registered: 31);
        Assert.NotEqual(31, decoy);
        Assert.Equal("/Employer/Recovery/Code", EmployerDriver.Location(await wrongDriver.PickImageAsync(decoy)));
        Assert.Contains("Los datos no coinciden con nuestros registros. Le quedan 4 intentos", WebUtility.HtmlDecode(await (await wrongDriver.CodeAsync("000000")).Content.ReadAsStringAsync()));
        Assert.Equal(0, fixture.MailCount(employer.Email));
    }

    [Fact]
    public async Task CodeStep_ResponseTime_MediansOfEveryWrongPartWithin25MsOfTheRightCombination()
    {
        const int runs = 50;
        var walkers = new[]
        {
            new Walker(fixture, DemoAccounts.EmployerRuc, "0001", Representative),
            new Walker(fixture, DemoAccounts.EmployerRuc, "0001", OtherValidCedula),
            new Walker(fixture, DemoAccounts.EmployerRuc, "0003", Representative),
            new Walker(fixture, UnknownRuc, "0001", Representative),
        };
        try
        {
            var times = walkers.Select(_ => new List<double>()).ToArray();
            for (var i = 0; i < runs + 3; i++)
            {
                // Rotated order each round, so drift in machine load hits every case alike; three warm-up rounds.
                for (var k = 0; k < walkers.Length; k++)
                {
                    var w = (i + k) % walkers.Length;
                    var elapsed = await walkers[w].TimeWrongCodeAsync();
                    if (i >= 3)
                    {
                        times[w].Add(elapsed);
                    }
                }
            }

            var medians = times.Select(Median).ToArray();
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"code POST medians over {runs}: right {medians[0]:F2} ms, wrong representative {medians[1]:F2}, wrong branch {medians[2]:F2}, unknown RUC {medians[3]:F2}"));
            for (var w = 1; w < walkers.Length; w++)
            {
                Assert.True(Math.Abs(medians[w] - medians[0]) < 25,
                    string.Create(CultureInfo.InvariantCulture, $"Case {w}: medians differ by {Math.Abs(medians[w] - medians[0]):F1} ms."));
            }
        }
        finally
        {
            foreach (var walker in walkers)
            {
                walker.Dispose();
            }
        }
    }

    /// <summary>Identifies (through the image step when the branch shows one), then posts one wrong code.</summary>
    private async Task<string> WrongCodePageAsync(string ruc, string branch, string representative)
    {
        using var browser = fixture.Browser();
        await StartAsync(fixture, browser, ruc, branch, representative);
        var response = await new EmployerDriver(browser).CodeAsync("000000");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    private static async Task StartAsync(EmployerServerFixture fixture, FormClient browser, string ruc, string branch, string representative)
    {
        var driver = new EmployerDriver(browser);
        var next = EmployerDriver.Location(await driver.IdentifyAsync(ruc, branch, representative));
        if (next == "/Employer/Recovery/Image")
        {
            // A branch with no account may show the image step; its stable "image" is what trying the grid would find.
            var (_, image) = await fixture.PhantomProfileAsync(ruc, branch);
            next = EmployerDriver.Location(await driver.PickImageAsync(image));
        }

        Assert.Equal("/Employer/Recovery/Code", next);
    }

    /// <summary>Removes what differs per request: the antiforgery token and nonces.</summary>
    private static string Normalise(string html)
    {
        html = AntiforgeryValue().Replace(html, "$1\"(token)\"");
        return Nonce().Replace(html, "nonce=\"(nonce)\"");
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

    /// <summary>Posts wrong codes for one combination, four per flow (the fifth would lock), starting flows as needed.</summary>
    private sealed class Walker(EmployerServerFixture fixture, string ruc, string branch, string representative) : IDisposable
    {
        private FormClient? browser;
        private int attemptsInFlow;

        public async Task<double> TimeWrongCodeAsync()
        {
            if (browser is null || attemptsInFlow == 4)
            {
                browser?.Dispose();
                browser = fixture.Browser();
                await StartAsync(fixture, browser, ruc, branch, representative);
                attemptsInFlow = 0;
            }

            var token = FormClient.AntiforgeryToken(await browser.Http.GetStringAsync("/Employer/Recovery/Code"))!;
            using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["__af"] = token, ["Code"] = "000000" });
            var watch = Stopwatch.StartNew();
            using var response = await browser.Http.PostAsync("/Employer/Recovery/Code", form);
            await response.Content.ReadAsByteArrayAsync();
            watch.Stop();
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            attemptsInFlow++;
            return watch.Elapsed.TotalMilliseconds;
        }

        public void Dispose() => browser?.Dispose();
    }
}
