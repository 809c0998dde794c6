using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using Iess.Identity.Tests.Accounts;
using Iess.Identity.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using OtpNet;

namespace Iess.Identity.Tests.Hosting;

/// <summary>The first administrator: created on the server by <c>add-officer</c>, enrolled through a one-time link.</summary>
public sealed partial class AddOfficerVerbTests : IAsyncLifetime
{
    private const string Password = "Cotopaxi-Nevado-Activo-5897";
    private readonly FakeTimeProvider clock = new(DateTimeOffset.UtcNow);
    private readonly IessServerFactory server = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await server.DisposeAsync();

    [Fact]
    public async Task AddOfficer_PrintsALinkThatWorksOnce_SettingPasswordAndTotp_ThenTheOfficerSignsInWithTotp()
    {
        var cedula = TestIds.NewCedula();
        var (exit, output) = await AddOfficerAsync(cedula, "administrator");
        Assert.True(exit == 0, output);
        var link = LinkPattern().Match(output).Value;
        Assert.NotEmpty(link);

        using var browser = new BrowserlessSignIn(server.BaseAddress);
        var page = await browser.NavigateAsync(link, "http://localhost:1/");
        var key = page.Document.QuerySelector("#totp-key")?.TextContent ?? throw new InvalidOperationException(page.Text);
        var wrongCode = await browser.SubmitAsync(page, Fields("000000"), "http://localhost:1/");
        Assert.NotNull(wrongCode.Document.QuerySelector("#enrol-error"));

        // The code of the previous 30-second step (accepted for clock drift), so the sign-in below can use the current one.
        var code = new Totp(Base32Encoding.ToBytes(key)).ComputeTotp(DateTime.UtcNow.AddSeconds(-30));
        var done = await browser.SubmitAsync(wrongCode, Fields(code), "http://localhost:1/");
        Assert.True(done.Document.QuerySelector("#enrol-done") is not null, done.Text);

        var again = await browser.NavigateAsync(link, "http://localhost:1/");
        Assert.Equal(HttpStatusCode.NotFound, again.Status);
        Assert.Contains("ya fue usado", again.Document.QuerySelector("#enrol-refused")!.TextContent);

        var token = await OfficerTokens.SignInAsync(server.BaseAddress, cedula, key, Password);
        using var http = OfficerTokens.Client(server.BaseAddress, token);
        var me = await AdminApi.AdminCalls.GetAsync(http, "/api/admin/me");
        Assert.Equal(HttpStatusCode.OK, me.Status);
        Assert.Equal("administrator", me.Body.GetProperty("roles")[0].GetString());

        var (duplicate, duplicateOutput) = await AddOfficerAsync(cedula, "helpdesk");
        Assert.Equal(1, duplicate);
        Assert.Contains("already exists", duplicateOutput);
    }

    [Fact]
    public async Task ExpiredLink_IsRefusedWithAClearMessage()
    {
        server.WithServices(s => s.AddSingleton<TimeProvider>(clock));
        var (exit, output) = await AddOfficerAsync(TestIds.NewCedula(), "helpdesk");
        Assert.True(exit == 0, output);
        var link = LinkPattern().Match(output).Value;

        clock.Advance(TimeSpan.FromHours(25));
        using var browser = new BrowserlessSignIn(server.BaseAddress);
        var page = await browser.NavigateAsync(link, "http://localhost:1/");

        Assert.Equal(HttpStatusCode.Gone, page.Status);
        Assert.Contains("caducó", page.Document.QuerySelector("#enrol-refused")!.TextContent);
        Assert.Null(page.Document.QuerySelector("#totp-key"));
    }

    [Fact]
    public async Task BadArguments_AreRefused_AndCreateNothing()
    {
        var (exit, output) = await AddOfficerAsync("1234567890", "root");
        Assert.Equal(1, exit);
        Assert.Contains("--cedula", output);
        Assert.Contains("--role", output);
        Assert.DoesNotContain("/Enrol?", output);
    }

    private static Dictionary<string, string?> Fields(string code) =>
        new() { ["Password"] = Password, ["Confirmation"] = Password, ["Code"] = code };

    private async Task<(int ExitCode, string Output)> AddOfficerAsync(string cedula, string role)
    {
        _ = server.BaseAddress;
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = server.Folder };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Iess.IdentityServer.dll"));
        foreach (var arg in new[] { "add-officer", "--cedula", cedula, "--given-names", "Ana María", "--family-names", "Vásconez Ortiz", "--email", $"ana{cedula}@iess.gob.ec", "--role", role })
        {
            start.ArgumentList.Add(arg);
        }

        start.ArgumentList.Add($"--Iess:Database:ConnectionString={server.ConnectionString}");
        start.ArgumentList.Add($"--Iess:Connect:DevelopmentKeyFolder={Path.Combine(server.Folder, "keys")}");
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }

    [GeneratedRegex(@"/Enrol\?flow=[0-9a-f]{32}&token=[A-Za-z0-9_-]+")]
    private static partial Regex LinkPattern();
}
