using System.Net;
using Iess.Identity.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Iess.Identity.Tests.Employers;

/// <summary>
/// Starting employer flows is limited per RUC and branch per day, whatever representative is typed (so cycling through
/// cédulas buys nothing), and per client address per hour; the limits lift when the time has passed.
/// </summary>
public sealed class EmployerLimitTests : IAsyncLifetime
{
    private const string LimitMessage = "Se alcanzó el número máximo de solicitudes";
    // Limits count in fixed windows (a UTC day, an hour): starting at 08:00 today keeps the 1.1-hour jump inside one day.
    private readonly FakeTimeProvider clock = new(new DateTimeOffset(DateTime.UtcNow.Date.AddHours(8), TimeSpan.Zero));
    private readonly IessServerFactory server = new();

    public Task InitializeAsync()
    {
        // The clock jumps by hours here: a long dispatch period keeps FakeTimeProvider from firing the outbox timer for
        // every 2 s it skips (no mail is read in this test).
        server.WithSetting("Iess:Recovery:MaxFlowsPerIdentifierPerDay", "2")
            .WithSetting("Iess:Messaging:DispatchInterval", "06:00:00")
            .WithSetting("Iess:Recovery:MaxFlowsPerIpPerHour", "4")
            .WithServices(s => s.AddSingleton<TimeProvider>(clock));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await server.DisposeAsync();

    [Fact]
    public async Task Limits_PerBranchWhateverTheRepresentative_AndPerAddress_ThenLiftWithTime()
    {
        Assert.Equal("/Employer/Recovery/Code", await IdentifyAsync(DemoAccounts.EmployerRuc, "0001", "1713175071"));
        Assert.Equal("/Employer/Recovery/Code", await IdentifyAsync(DemoAccounts.EmployerRuc, "0001", "0926687856"));
        Assert.Equal(LimitMessage, await IdentifyAsync(DemoAccounts.EmployerRuc, "0001", "1710034065"));
        Assert.Equal(LimitMessage, await IdentifyAsync(DemoAccounts.EmployerRuc, "0001", "1713175071"));

        // Another branch still starts, until the address has used its hourly flows.
        Assert.Equal("/Employer/Recovery/Code", await IdentifyAsync(DemoAccounts.EmployerRuc, "0002", "1713175071"));
        Assert.NotEqual(LimitMessage, await IdentifyAsync("1710034065001", "0001", "1713175071"));
        Assert.Equal(LimitMessage, await IdentifyAsync("0926687856001", "0001", "1713175071"));

        clock.Advance(TimeSpan.FromHours(1.1));
        Assert.Equal("/Employer/Recovery/Code", await IdentifyAsync(DemoAccounts.EmployerRuc, "0002", "1713175071"));
        Assert.Equal(LimitMessage, await IdentifyAsync(DemoAccounts.EmployerRuc, "0001", "1713175071"));

        clock.Advance(TimeSpan.FromDays(1));
        Assert.Equal("/Employer/Recovery/Code", await IdentifyAsync(DemoAccounts.EmployerRuc, "0001", "1713175071"));
    }

    /// <summary>Where the identify step sends the browser, or the limit message when it stays.</summary>
    private async Task<string> IdentifyAsync(string ruc, string branch, string representative)
    {
        using var browser = new FormClient(server.BaseAddress);
        var response = await new EmployerDriver(browser).IdentifyAsync(ruc, branch, representative);
        if (response.StatusCode == HttpStatusCode.OK)
        {
            var page = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
            return page.Contains(LimitMessage, StringComparison.Ordinal) ? LimitMessage : "(page without the limit message)";
        }

        return EmployerDriver.Location(response);
    }
}
