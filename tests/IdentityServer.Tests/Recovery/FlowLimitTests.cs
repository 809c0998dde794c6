using System.Net;
using Iess.Identity.Tests.Infrastructure;

namespace Iess.Identity.Tests.Recovery;

/// <summary>Starting flows is limited per cédula per day and per client address per hour; past it, the person is told so.</summary>
public sealed class FlowLimitTests : IAsyncLifetime
{
    private const string LimitMessage = "Se alcanzó el número máximo de solicitudes";
    private IessServerFactory? server;

    [Fact]
    public async Task Identify_BeyondMaxFlowsPerCedulaPerDay_ShowsLimitMessage_OtherCedulaStillStarts()
    {
        server = new IessServerFactory().WithSetting("Iess:Recovery:MaxFlowsPerIdentifierPerDay", "2");
        for (var flow = 0; flow < 2; flow++)
        {
            Assert.Equal("/Recovery/Know", RecoveryDriver.Location(await IdentifyAsync(DemoAccounts.AffiliateCedula)));
        }

        var refused = await IdentifyAsync(DemoAccounts.AffiliateCedula);
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        Assert.Contains(LimitMessage, WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync()));
        Assert.Equal("/Recovery/Know", RecoveryDriver.Location(await IdentifyAsync("1869952406")));
    }

    [Fact]
    public async Task Identify_BeyondMaxFlowsPerAddressPerHour_ShowsLimitMessageEvenForAFreshCedula()
    {
        server = new IessServerFactory().WithSetting("Iess:Recovery:MaxFlowsPerIpPerHour", "3");
        foreach (var cedula in new[] { "1238685232", "2129642241", "2256267614" })
        {
            Assert.Equal("/Recovery/Know", RecoveryDriver.Location(await IdentifyAsync(cedula)));
        }

        var refused = await IdentifyAsync(DemoAccounts.AffiliateCedula);
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        Assert.Contains(LimitMessage, WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync()));
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (server is not null)
        {
            await server.DisposeAsync();
        }
    }

    private async Task<HttpResponseMessage> IdentifyAsync(string cedula)
    {
        using var browser = new FormClient(server!.BaseAddress);
        return await new RecoveryDriver(browser).IdentifyAsync(cedula);
    }
}
