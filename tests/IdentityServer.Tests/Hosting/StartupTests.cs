using System.Net;
using System.Text.Json;
using Iess.Identity.Tests.Infrastructure;

namespace Iess.Identity.Tests.Hosting;

public sealed class StartupTests : IAsyncLifetime
{
    private readonly IessServerFactory server = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await server.DisposeAsync();

    [Fact]
    public async Task Discovery_OnRealPort_AdvertisesCodeFlowWithS256Only()
    {
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        using var document = JsonDocument.Parse(await http.GetStringAsync("/.well-known/openid-configuration"));
        var root = document.RootElement;

        Assert.Equal(["S256"], root.GetProperty("code_challenge_methods_supported").EnumerateArray().Select(e => e.GetString()));
        Assert.True(root.GetProperty("authorization_response_iss_parameter_supported").GetBoolean());
        Assert.Contains("iess.identity", root.GetProperty("scopes_supported").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task Health_LiveAndReady_AreHealthyWithDatabase()
    {
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health/ready")).StatusCode);
    }

    [Fact]
    public async Task LoginPage_DefaultsToSpanish_AndHonoursUiLocalesEnglish()
    {
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        var spanish = await http.GetStringAsync("/Login");
        var english = await http.GetStringAsync("/Login?ui_locales=en");

        Assert.Contains("lang=\"es-EC\"", spanish);
        Assert.Contains("Iniciar sesi", spanish);
        Assert.Contains("lang=\"en\"", english);
        Assert.Contains("Sign in", english);
    }
}
