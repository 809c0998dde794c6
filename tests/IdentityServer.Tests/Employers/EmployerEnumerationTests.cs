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
    private const int Runs = 50;
    private const int Warmup = 3;

    /// <summary>Wrong answers posted in one flow before a new one starts (the fifth would lock it).</summary>
    private const int StepsPerFlow = 4;

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
    public async Task IdentifyStep_EveryWrongPart_RedirectsLikeTheRightCombination_WithMediansWithin25Ms()
    {
        var wrongBranch = await PhantomBranchAsync(DemoAccounts.EmployerRuc, hasImage: false);
        var unknownRuc = await PhantomRucAsync(hasImage: false);
        var browsers = new List<FormClient>();
        try
        {
            ProbeCase Identify(string name, string ruc, string branch, string representative)
            {
                var browser = fixture.Browser();
                browsers.Add(browser);
                return new ProbeCase(name, async () => await ResponseProbe.PostAsync(browser, "/Employer/Recovery", new Dictionary<string, string>
                {
                    ["Ruc"] = ruc, ["Branch"] = branch, ["Representative"] = representative, ["altcha"] = await RecoveryDriver.SolveCaptchaAsync(browser),
                }));
            }

            var results = await ResponseProbe.RunAsync(Runs, Warmup,
                Identify("right combination", DemoAccounts.EmployerRuc, "0001", Representative),
                Identify("wrong representative", DemoAccounts.EmployerRuc, "0001", OtherValidCedula),
                Identify("wrong branch", DemoAccounts.EmployerRuc, wrongBranch, Representative),
                Identify("unknown RUC", unknownRuc, "0001", Representative));
            ResponseProbe.AssertIndistinguishable("employer recovery identify POST", results, output);
            Assert.Equal(new Seen(302, "/Employer/Recovery/Code", ""), results[0].Seen[0]);
        }
        finally
        {
            browsers.ForEach(b => b.Dispose());
        }
    }

    [Fact]
    public async Task ImageStep_EveryWrongPart_FailsLikeTheRightCombinationWithAWrongImage_WithMediansWithin25Ms()
    {
        var employer = await fixture.CreateEmployerAsync(image: 31);
        var wrongBranch = await PhantomBranchAsync(employer.Ruc, hasImage: true);
        var unknownRuc = await PhantomRucAsync(hasImage: true);
        var walkers = new List<FlowWalker>();
        try
        {
            ProbeCase WrongImage(string name, string ruc, string branch, string representative, int? registered)
            {
                var walker = new FlowWalker(fixture.Server.BaseAddress, async b =>
                    Assert.Equal("/Employer/Recovery/Image", EmployerDriver.Location(await new EmployerDriver(b).IdentifyAsync(ruc, branch, representative))), StepsPerFlow);
                walkers.Add(walker);
                int? wrong = null;
                return new ProbeCase(name, async () =>
                {
                    var browser = await walker.NextAsync();
                    if (wrong is null)
                    {
                        var (_, passing) = await fixture.PhantomProfileAsync(ruc, branch, registered);
                        wrong = (await new RecoveryDriver(browser).GridAsync("/Employer/Recovery/Image")).First(id => id != passing && id != registered);
                    }

                    return await ResponseProbe.PostAsync(browser, "/Employer/Recovery/Image",
                        new Dictionary<string, string> { ["Picked"] = wrong.Value.ToString(CultureInfo.InvariantCulture) });
                });
            }

            var results = await ResponseProbe.RunAsync(Runs, Warmup,
                WrongImage("right combination", employer.Ruc, employer.Branch, employer.Representative, 31),
                WrongImage("wrong representative", employer.Ruc, employer.Branch, EmployerIds.NewCedula(), 31),
                WrongImage("wrong branch", employer.Ruc, wrongBranch, employer.Representative, null),
                WrongImage("unknown RUC", unknownRuc, "0001", employer.Representative, null));
            ResponseProbe.AssertIndistinguishable("employer recovery image POST", results, output);
            Assert.Contains(results[0].Seen, s => s.Message.Contains("Le quedan 4 intentos", StringComparison.Ordinal));
        }
        finally
        {
            walkers.ForEach(w => w.Dispose());
        }
    }

    [Fact]
    public async Task CodeStep_EveryWrongPart_FailsLikeTheRightCombinationWithAWrongCode_WithMediansWithin25Ms()
    {
        var walkers = new List<FlowWalker>();
        try
        {
            ProbeCase WrongCode(string name, string ruc, string branch, string representative)
            {
                var walker = new FlowWalker(fixture.Server.BaseAddress, b => StartAsync(fixture, b, ruc, branch, representative), StepsPerFlow);
                walkers.Add(walker);
                return new ProbeCase(name, async () =>
                    await ResponseProbe.PostAsync(await walker.NextAsync(), "/Employer/Recovery/Code", new Dictionary<string, string> { ["Code"] = "000000" }));
            }

            var results = await ResponseProbe.RunAsync(Runs, Warmup,
                WrongCode("right combination", DemoAccounts.EmployerRuc, "0001", Representative),
                WrongCode("wrong representative", DemoAccounts.EmployerRuc, "0001", OtherValidCedula),
                WrongCode("wrong branch", DemoAccounts.EmployerRuc, "0003", Representative),
                WrongCode("unknown RUC", UnknownRuc, "0001", Representative));
            ResponseProbe.AssertIndistinguishable("employer recovery code POST", results, output);
            Assert.Contains(results[0].Seen, s => s.Message.Contains("Los datos no coinciden con nuestros registros. Le quedan 4 intentos", StringComparison.Ordinal));
        }
        finally
        {
            walkers.ForEach(w => w.Dispose());
        }
    }

    /// <summary>A branch code of <paramref name="ruc"/> with no account whose phantom shows (or skips) the image step.</summary>
    private async Task<string> PhantomBranchAsync(string ruc, bool hasImage)
    {
        for (var n = 3; ; n++)
        {
            var branch = n.ToString("0000", CultureInfo.InvariantCulture);
            if ((await fixture.PhantomProfileAsync(ruc, branch)).HasImage == hasImage)
            {
                return branch;
            }
        }
    }

    /// <summary>An unused RUC whose branch 0001 phantom shows (or skips) the image step.</summary>
    private async Task<string> PhantomRucAsync(bool hasImage)
    {
        while (true)
        {
            var ruc = EmployerIds.NewPrivateCompanyRuc();
            if ((await fixture.PhantomProfileAsync(ruc, "0001")).HasImage == hasImage)
            {
                return ruc;
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

    [GeneratedRegex("(name=\"__af\" type=\"hidden\" value=)\"[^\"]+\"")]
    private static partial Regex AntiforgeryValue();

    [GeneratedRegex("nonce=\"[^\"]+\"")]
    private static partial Regex Nonce();
}
