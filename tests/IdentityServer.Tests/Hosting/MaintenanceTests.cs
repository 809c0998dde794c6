using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Iess.Identity.Tests.Infrastructure;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Iess.Identity.Tests.Hosting;

/// <summary>
/// An announced maintenance window (Iess:Maintenance): pages warn in Spanish (English when chosen) with Ecuador times
/// beforehand; during it people cannot sign in or recover (503, Retry-After, when service returns) while apps keep
/// refreshing, introspecting and reading discovery and keys; afterwards everything is back.
/// </summary>
public sealed class MaintenanceTests : IAsyncLifetime
{
    private const string MachineClient = "maintenance-probe";
    private const string MachineSecret = "maintenance-probe-secret-0123456789-abcdef";
    private readonly FakeTimeProvider clock = new(DateTimeOffset.UtcNow);
    private readonly DateTimeOffset start;
    private readonly DateTimeOffset end;
    private readonly IessServerFactory server = new();

    public MaintenanceTests()
    {
        start = clock.GetUtcNow().AddHours(1);
        end = clock.GetUtcNow().AddHours(3);
        server.WithServices(s => s.AddSingleton<TimeProvider>(clock))
            .WithSetting("Iess:Messaging:DispatchInterval", "06:00:00")
            .WithSetting("Iess:Maintenance:Start", start.ToString("O", CultureInfo.InvariantCulture))
            .WithSetting("Iess:Maintenance:End", end.ToString("O", CultureInfo.InvariantCulture))
            .WithSetting("Iess:Maintenance:Message", "Actualización de la base de datos.")
            .WithSetting("Iess:Clients:10:ClientId", MachineClient)
            .WithSetting("Iess:Clients:10:ClientSecret", MachineSecret)
            .WithSetting("Iess:Clients:10:GrantTypes:0", "client_credentials");
    }

    [Fact]
    public async Task Window_AnnouncedBefore_RefusesPeopleDuring_KeepsAppsWorking_AndEnds()
    {
        using var browser = new FormClient(server.BaseAddress);
        var ecuadorStart = start.ToOffset(TimeSpan.FromHours(-5)).ToString("HH:mm", CultureInfo.InvariantCulture);
        var ecuadorEnd = end.ToOffset(TimeSpan.FromHours(-5)).ToString("HH:mm", CultureInfo.InvariantCulture);

        // Before: a banner with both times in Ecuador time, on sign-in and recovery pages, in the reader's language.
        foreach (var path in new[] { "/Login", "/Recovery" })
        {
            var page = await PageAsync(browser, path);
            Assert.Equal(HttpStatusCode.OK, page.Status);
            Assert.Contains("Mantenimiento programado", page.Banner);
            Assert.Contains(ecuadorStart, page.Banner);
            Assert.Contains(ecuadorEnd, page.Banner);
            Assert.Contains("(hora de Ecuador)", page.Banner);
            Assert.Contains("Actualización de la base de datos.", page.Banner);
        }

        using (var english = new FormClient(server.BaseAddress))
        {
            await english.Http.GetAsync("/Language?culture=en&returnUrl=%2FLogin");
            var page = await PageAsync(english, "/Login");
            Assert.Contains("Scheduled maintenance", page.Banner);
            Assert.Contains("(Ecuador time)", page.Banner);
        }

        var tokens = await PublicClientTokens.TokensAsync(server.BaseAddress, SignInAnswers.Affiliate, "openid offline_access");

        // During: people are refused with a date to come back; apps and operators are not.
        clock.Advance(TimeSpan.FromMinutes(61));
        foreach (var path in new[] { "/Login", "/Login/Mfa", "/Recovery", "/Activate", "/Employer/Recovery", "/Profile" })
        {
            using var response = await browser.Http.GetAsync(path);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Equal(TimeSpan.FromSeconds((end - clock.GetUtcNow()).TotalSeconds), response.Headers.RetryAfter?.Delta);
            var body = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
            Assert.Contains("mantenimiento programado", body);
            Assert.Contains($"Volverá a estar disponible el", body);
            Assert.Contains(ecuadorEnd + " (hora de Ecuador)", body);
        }

        var posted = await browser.Http.PostAsync("/Login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Input.Identifier"] = DemoAccounts.AffiliateCedula, ["Input.Password"] = DemoAccounts.AffiliatePassword,
        }));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, posted.StatusCode);

        using (var person = new BrowserlessSignIn(server.BaseAddress))
        {
            var authorize = await person.NavigateAsync(AuthorizeUrl(), DemoAccounts.PublicRedirectUri);
            Assert.Null(authorize.Callback);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, authorize.Status);
        }

        await AssertAppsWorkAsync(tokens.GetProperty("refresh_token").GetString()!);

        // After: back to normal, no banner.
        clock.Advance(end - clock.GetUtcNow() + TimeSpan.FromSeconds(1));
        var after = await PageAsync(browser, "/Login");
        Assert.Equal(HttpStatusCode.OK, after.Status);
        Assert.Null(after.Banner);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.SignInAsync(DemoAccounts.SecondAffiliateCedula, DemoAccounts.SecondAffiliatePassword)).StatusCode);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await server.DisposeAsync();

    private async Task AssertAppsWorkAsync(string refreshToken)
    {
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        foreach (var path in new[] { "/.well-known/openid-configuration", "/.well-known/jwks", "/health/live", "/health/ready" })
        {
            using var response = await http.GetAsync(path);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode}");
        }

        using var refreshed = await http.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "refresh_token", ["client_id"] = DemoAccounts.PublicClientId, ["refresh_token"] = refreshToken,
        }));
        Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);
        var accessToken = (await refreshed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("access_token").GetString();
        using (var userinfo = new HttpRequestMessage(HttpMethod.Get, "/connect/userinfo"))
        {
            userinfo.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
            Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(userinfo)).StatusCode);
        }

        using var machine = await http.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials", ["client_id"] = MachineClient, ["client_secret"] = MachineSecret,
        }));
        Assert.Equal(HttpStatusCode.OK, machine.StatusCode);
        var machineToken = (await machine.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("access_token").GetString()!;
        using var introspection = await http.PostAsync("/connect/introspect", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["client_id"] = MachineClient, ["client_secret"] = MachineSecret, ["token"] = machineToken,
        }));
        Assert.Equal(HttpStatusCode.OK, introspection.StatusCode);
        Assert.True((await introspection.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("active").GetBoolean());
        using var revocation = await http.PostAsync("/connect/revoke", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["client_id"] = MachineClient, ["client_secret"] = MachineSecret, ["token"] = machineToken,
        }));
        Assert.Equal(HttpStatusCode.OK, revocation.StatusCode);
    }

    private string AuthorizeUrl() => QueryHelpers.AddQueryString(new Uri(server.BaseAddress, "/connect/authorize").ToString(), new Dictionary<string, string?>
    {
        ["client_id"] = DemoAccounts.PublicClientId, ["redirect_uri"] = DemoAccounts.PublicRedirectUri, ["response_type"] = "code",
        ["scope"] = "openid", ["code_challenge"] = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", ["code_challenge_method"] = "S256", ["state"] = "m",
    });

    private static async Task<(HttpStatusCode Status, string? Banner)> PageAsync(FormClient browser, string path)
    {
        using var response = await browser.Http.GetAsync(path);
        var html = await response.Content.ReadAsStringAsync();
        var document = new AngleSharp.Html.Parser.HtmlParser().ParseDocument(html);
        var banner = document.QuerySelector("#maintenance-banner")?.TextContent;
        return (response.StatusCode, banner is null ? null : string.Join(' ', banner.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)));
    }
}
