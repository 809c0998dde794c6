using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Iess.Identity.Captcha;
using Iess.Identity.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Iess.Identity.Tests.Captcha;

public sealed class CaptchaTests
{
    [Fact]
    public async Task ProofOfWork_SolvedChallenge_WorksOnce_ReplayTamperAndExpiryAreRefused()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var server = new IessServerFactory().WithServices(s => s.AddSingleton<TimeProvider>(clock));
        var captcha = server.Services.GetRequiredService<ProofOfWorkCaptcha>();

        var solved = ProofOfWorkCaptcha.Solve(await captcha.CreateAsync());
        Assert.True(await captcha.VerifyAsync(solved, null, CancellationToken.None));
        Assert.False(await captcha.VerifyAsync(solved, null, CancellationToken.None));

        var payload = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(Convert.FromBase64String(ProofOfWorkCaptcha.Solve(await captcha.CreateAsync())))!;
        var forged = payload.ToDictionary(p => p.Key, p => (object)p.Value);
        forged["signature"] = new string('0', 64);
        Assert.False(await captcha.VerifyAsync(Convert.ToBase64String(JsonSerializer.SerializeToUtf8Bytes(forged)), null, CancellationToken.None));
        Assert.False(await captcha.VerifyAsync("not base64 at all", null, CancellationToken.None));

        var late = ProofOfWorkCaptcha.Solve(await captcha.CreateAsync());
        clock.Advance(TimeSpan.FromMinutes(11));
        Assert.False(await captcha.VerifyAsync(late, null, CancellationToken.None));
    }

    [Fact]
    public async Task HostedTurnstile_RendersItsWidget_AndChecksTheTokenWithSiteverify()
    {
        await using var siteverify = await FakeSiteverify.StartAsync();
        await using var server = new IessServerFactory()
            .WithSetting("Iess:Captcha:Provider", "Turnstile")
            .WithSetting("Iess:Captcha:SiteKey", "0x4AAAAAAA-site-key")
            .WithSetting("Iess:Captcha:SecretKey", "0x4AAAAAAA-secret")
            .WithSetting("Iess:Captcha:VerifyEndpoint", siteverify.Endpoint.ToString());
        using var browser = new FormClient(server.BaseAddress);

        using var page = await browser.Http.GetAsync("/Recovery");
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("class=\"cf-turnstile captcha-hosted\" data-sitekey=\"0x4AAAAAAA-site-key\"", html);
        Assert.Contains("challenges.cloudflare.com", string.Join(' ', page.Headers.GetValues("Content-Security-Policy")));

        var refused = await browser.SubmitAsync("/Recovery", new Dictionary<string, string> { ["Cedula"] = DemoAccounts.AffiliateCedula, ["cf-turnstile-response"] = "bad-token" });
        Assert.Contains("No pudimos verificar que no es un robot", await refused.Content.ReadAsStringAsync());

        var accepted = await browser.SubmitAsync("/Recovery", new Dictionary<string, string> { ["Cedula"] = DemoAccounts.AffiliateCedula, ["cf-turnstile-response"] = "good-token" });
        Assert.Equal("/Recovery/Know", accepted.Headers.Location?.OriginalString);
        Assert.All(siteverify.Requests, r => Assert.Contains("secret=0x4AAAAAAA-secret", r));
        Assert.Equal(2, siteverify.Requests.Count);
    }

    /// <summary>A stand-in for the provider's siteverify endpoint (the real one is outside this machine).</summary>
    private sealed class FakeSiteverify : IAsyncDisposable
    {
        private readonly WebApplication app;

        private FakeSiteverify(WebApplication app, Uri endpoint)
        {
            this.app = app;
            Endpoint = endpoint;
        }

        public Uri Endpoint { get; }

        public ConcurrentQueue<string> Requests { get; } = new();

        public static async Task<FakeSiteverify> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            var app = builder.Build();
            FakeSiteverify? self = null;
            app.MapPost("/siteverify", async (HttpRequest request) =>
            {
                var body = await new StreamReader(request.Body, Encoding.UTF8).ReadToEndAsync();
                self!.Requests.Enqueue(body);
                return Results.Json(new { success = body.Contains("response=good-token", StringComparison.Ordinal) });
            });
            await app.StartAsync();
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            self = new FakeSiteverify(app, new Uri(new Uri(address), "/siteverify"));
            return self;
        }

        public async ValueTask DisposeAsync() => await app.DisposeAsync();
    }
}
