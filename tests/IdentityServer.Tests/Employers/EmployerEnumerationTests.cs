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
[Collection(TimingCollections.Employer)]
public sealed partial class EmployerEnumerationTests(EmployerServerFixture fixture, ITestOutputHelper output)
{
    private const string Representative = "1713175071";
    private const string OtherValidCedula = "0926687856";
    private const string UnknownRuc = "1710034065001";
    private const string Root = "/Employer/Recovery";
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
        using var probes = new EmployerProbes(fixture.Server);
        var wrongBranch = await probes.PhantomBranchAsync(DemoAccounts.EmployerRuc, hasImage: false);
        var unknownRuc = await probes.PhantomRucAsync(hasImage: false);
        var results = await ResponseProbe.RunAsync(Runs, Warmup,
            probes.Identify("right combination", Root, DemoAccounts.EmployerRuc, "0001", Representative),
            probes.Identify("wrong representative", Root, DemoAccounts.EmployerRuc, "0001", OtherValidCedula),
            probes.Identify("wrong branch", Root, DemoAccounts.EmployerRuc, wrongBranch, Representative),
            probes.Identify("unknown RUC", Root, unknownRuc, "0001", Representative));
        ResponseProbe.AssertIndistinguishable("employer recovery identify POST", results, output);
        Assert.Equal(new Seen(302, "/Employer/Recovery/Code", ""), results[0].Seen[0]);
    }

    [Fact]
    public async Task ImageStep_EveryWrongPart_FailsLikeTheRightCombinationWithAWrongImage_WithMediansWithin25Ms()
    {
        var employer = await fixture.CreateEmployerAsync(image: 31);
        using var probes = new EmployerProbes(fixture.Server);
        var wrongBranch = await probes.PhantomBranchAsync(employer.Ruc, hasImage: true);
        var unknownRuc = await probes.PhantomRucAsync(hasImage: true);
        var results = await ResponseProbe.RunAsync(Runs, Warmup,
            probes.WrongImage("right combination", employer.Ruc, employer.Branch, employer.Representative, 31, StepsPerFlow),
            probes.WrongImage("wrong representative", employer.Ruc, employer.Branch, EmployerIds.NewCedula(), 31, StepsPerFlow),
            probes.WrongImage("wrong branch", employer.Ruc, wrongBranch, employer.Representative, null, StepsPerFlow),
            probes.WrongImage("unknown RUC", unknownRuc, "0001", employer.Representative, null, StepsPerFlow));
        ResponseProbe.AssertIndistinguishable("employer recovery image POST", results, output);
        Assert.Contains(results[0].Seen, s => s.Message.Contains("Le quedan 4 intentos", StringComparison.Ordinal));
    }

    [Fact]
    public async Task CodeStep_EveryWrongPart_FailsLikeTheRightCombinationWithAWrongCode_WithMediansWithin25Ms()
    {
        using var probes = new EmployerProbes(fixture.Server);
        var results = await ResponseProbe.RunAsync(Runs, Warmup,
            probes.WrongCode("right combination", Root, DemoAccounts.EmployerRuc, "0001", Representative, StepsPerFlow),
            probes.WrongCode("wrong representative", Root, DemoAccounts.EmployerRuc, "0001", OtherValidCedula, StepsPerFlow),
            probes.WrongCode("wrong branch", Root, DemoAccounts.EmployerRuc, "0003", Representative, StepsPerFlow),
            probes.WrongCode("unknown RUC", Root, UnknownRuc, "0001", Representative, StepsPerFlow));
        ResponseProbe.AssertIndistinguishable("employer recovery code POST", results, output);
        Assert.Contains(results[0].Seen, s => s.Message.Contains("Los datos no coinciden con nuestros registros. Le quedan 4 intentos", StringComparison.Ordinal));
    }

    /// <summary>Identifies (through the image step when the branch shows one), then posts one wrong code.</summary>
    private async Task<string> WrongCodePageAsync(string ruc, string branch, string representative)
    {
        using var browser = fixture.Browser();
        await EmployerProbes.ReachRecoveryCodeAsync(fixture.Server, browser, ruc, branch, representative);
        var response = await new EmployerDriver(browser).CodeAsync("000000");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
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
