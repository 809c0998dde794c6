using Iess.Identity.Recovery;
using Iess.Identity.Tests.Infrastructure;

namespace Iess.Identity.Tests.Recovery;

[Collection(RecoveryCollection.Name)]
public sealed class FlowOrderTests(RecoveryServerFixture fixture)
{
    private static readonly string[] StepPages = ["/Recovery/Know", "/Recovery/Image", "/Recovery/Channel", "/Recovery/Code", "/Recovery/Reset"];

    [Fact]
    public async Task LaterSteps_PostedWhileIdentified_RedirectToKnowAndChangeNothing()
    {
        using var browser = fixture.Browser();
        var recovery = new RecoveryDriver(browser);
        Assert.Equal("/Recovery/Know", RecoveryDriver.Location(await recovery.IdentifyAsync(DemoAccounts.AffiliateCedula)));
        var before = Snapshot(await fixture.FlowOfAsync(browser));
        Assert.Contains("State = Identified", before);

        foreach (var (page, fields) in SkippingPosts())
        {
            var response = await browser.SubmitAsync("/Recovery/Know", fields, page);
            Assert.Equal("/Recovery/Know", RecoveryDriver.Location(response));
        }

        Assert.Equal(before, Snapshot(await fixture.FlowOfAsync(browser)));
    }

    [Fact]
    public async Task LaterSteps_PostedAfterKnowledge_RedirectToImageAndChangeNothing()
    {
        using var browser = fixture.Browser();
        var recovery = new RecoveryDriver(browser);
        Assert.Equal("/Recovery/Know", RecoveryDriver.Location(await recovery.IdentifyAsync(DemoAccounts.AffiliateCedula)));
        Assert.Equal("/Recovery/Image", RecoveryDriver.Location(await recovery.DateOfBirthAsync(RecoveryServerFixture.KnownDateOfBirth)));
        var before = Snapshot(await fixture.FlowOfAsync(browser));
        Assert.Contains("State = KnowledgeVerified", before);

        var posts = SkippingPosts().Where(p => p.Page != "/Recovery/Image")
            .Append(("/Recovery/Channel", new Dictionary<string, string> { ["Channel"] = "Email" }))
            .Append(("/Recovery/Know", new Dictionary<string, string> { ["Method"] = "dob", ["DateOfBirth"] = RecoveryServerFixture.KnownDateOfBirth }));
        foreach (var (page, fields) in posts)
        {
            var response = await browser.SubmitAsync("/Recovery/Image", fields, page);
            Assert.Equal("/Recovery/Image", RecoveryDriver.Location(response));
        }

        Assert.Equal(before, Snapshot(await fixture.FlowOfAsync(browser)));
    }

    [Fact]
    public async Task StepPages_WithoutFlowCookie_RedirectToStart()
    {
        using var browser = fixture.Browser();
        foreach (var page in StepPages)
        {
            Assert.Equal("/Recovery", RecoveryDriver.Location(await browser.Http.GetAsync(page)));
            var post = await browser.SubmitAsync("/Recovery", new Dictionary<string, string> { ["Code"] = "123456", ["Picked"] = "6" }, page);
            Assert.Equal("/Recovery", RecoveryDriver.Location(post));
        }
    }

    [Fact]
    public async Task StepPages_WithForgedFlowCookie_RedirectToStart()
    {
        using var browser = fixture.Browser();
        var recovery = new RecoveryDriver(browser);
        Assert.Equal("/Recovery/Know", RecoveryDriver.Location(await recovery.IdentifyAsync(DemoAccounts.AffiliateCedula)));
        var id = fixture.FlowIdOf(browser);

        // The right flow id with a binding secret this browser never received: another person's flow is not reachable.
        using var attacker = fixture.Browser();
        attacker.Cookies.Add(new Uri(fixture.Server.BaseAddress, "/Recovery"),
            new System.Net.Cookie(FlowStore.Cookie(FlowKind.AffiliateRecovery).Name, $"{id:N}.{new string('A', 43)}", "/Recovery"));
        foreach (var page in StepPages)
        {
            Assert.Equal("/Recovery", RecoveryDriver.Location(await attacker.Http.GetAsync(page)));
        }
    }

    private static IEnumerable<(string Page, Dictionary<string, string> Fields)> SkippingPosts() =>
    [
        ("/Recovery/Reset", new Dictionary<string, string> { ["Password"] = "Atajo-Prohibido-2027", ["Confirmation"] = "Atajo-Prohibido-2027" }),
        ("/Recovery/Code", new Dictionary<string, string> { ["Code"] = "123456" }),
        ("/Recovery/Image", new Dictionary<string, string> { ["Picked"] = "6" }),
    ];

    private static string Snapshot(AccountFlow flow) =>
        $"State = {flow.State}, Version = {flow.Version}, UpdatedAt = {flow.UpdatedAt:O}, Knowledge = {flow.KnowledgeAttempts}, " +
        $"Image = {flow.ImageAttempts}, Code = {flow.CodeAttempts}, Sends = {flow.Sends}, CodeHash = {flow.CodeHash}, Binding = {flow.BindingHash}";
}
