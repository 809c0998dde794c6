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
    private readonly FakeTimeProvider clock = new(DateTimeOffset.UtcNow);
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

    private Task<string> IdentifyAsync(string ruc, string branch, string representative) =>
        IdentifyAsync(server.BaseAddress, "/Employer/Recovery", ruc, branch, representative);

    /// <summary>Where the identify step sends the browser, or the limit message when it stays.</summary>
    internal static async Task<string> IdentifyAsync(Uri server, string root, string ruc, string branch, string representative)
    {
        using var browser = new FormClient(server);
        var response = await new EmployerDriver(browser, root).IdentifyAsync(ruc, branch, representative);
        if (response.StatusCode == HttpStatusCode.OK)
        {
            var page = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
            return page.Contains(LimitMessage, StringComparison.Ordinal) ? LimitMessage : "(page without the limit message)";
        }

        return EmployerDriver.Location(response);
    }
}

/// <summary>
/// Starting employer flows is also limited per RUC, all branches together: cycling through branch codes of one RUC buys
/// nothing, an unknown RUC is refused in the same words after the same number of flows, the limit lifts after a day,
/// and affiliate flows (which have no group) are not counted.
/// </summary>
public sealed class EmployerRucLimitTests : IAsyncLifetime
{
    private const string LimitMessage = "Se alcanzó el número máximo de solicitudes";
    private const string Representative = "1713175071";
    private const string UnknownRuc = "1710034065001";
    private readonly FakeTimeProvider clock = new(DateTimeOffset.UtcNow);
    private readonly IessServerFactory server = new();

    public Task InitializeAsync()
    {
        server.WithSetting("Iess:Recovery:MaxFlowsPerGroupPerDay", "3")
            .WithSetting("Iess:Recovery:MaxFlowsPerIdentifierPerDay", "10")
            .WithSetting("Iess:Recovery:MaxFlowsPerIpPerHour", "100")
            .WithSetting("Iess:Messaging:DispatchInterval", "06:00:00")
            .WithServices(s => s.AddSingleton<TimeProvider>(clock));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await server.DisposeAsync();

    [Fact]
    public async Task CyclingBranchesOfOneRuc_HitsTheRucLimit_KnownOrUnknownAlike_ThenLiftsAfterADay_AffiliatesUnaffected()
    {
        foreach (var ruc in new[] { DemoAccounts.EmployerRuc, UnknownRuc })
        {
            var pages = new List<string>();
            foreach (var branch in new[] { "0001", "0002", "0003", "0004", "0005" })
            {
                pages.Add(await IdentifyAsync("/Employer/Recovery", ruc, branch));
            }

            Assert.All(pages.Take(3), p => Assert.StartsWith("/Employer/Recovery/", p, StringComparison.Ordinal));
            Assert.All(pages.Skip(3), p => Assert.Equal(LimitMessage, p));
        }

        // Generar clave counts its own flows: the recovery limit does not block it, and it has the same limit.
        var activation = new List<string>();
        foreach (var branch in new[] { "0006", "0007", "0008", "0009" })
        {
            activation.Add(await IdentifyAsync("/Employer/Activate", DemoAccounts.EmployerRuc, branch));
        }

        Assert.Equal(["/Employer/Activate/Code", "/Employer/Activate/Code", "/Employer/Activate/Code", LimitMessage], activation);

        // Affiliates have no group: more recoveries than the RUC limit start from the same address.
        foreach (var cedula in new[] { "1710034065", "0926687856", "0814164307", "1713175071" })
        {
            using var browser = new FormClient(server.BaseAddress);
            Assert.Equal("/Recovery/Know", RecoveryDriver.Location(await new RecoveryDriver(browser).IdentifyAsync(cedula)));
        }

        clock.Advance(TimeSpan.FromDays(1.01));
        Assert.StartsWith("/Employer/Recovery/", await IdentifyAsync("/Employer/Recovery", DemoAccounts.EmployerRuc, "0010"), StringComparison.Ordinal);
        Assert.StartsWith("/Employer/Recovery/", await IdentifyAsync("/Employer/Recovery", UnknownRuc, "0010"), StringComparison.Ordinal);
    }

    private Task<string> IdentifyAsync(string root, string ruc, string branch) =>
        EmployerLimitTests.IdentifyAsync(server.BaseAddress, root, ruc, branch, Representative);
}
