using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Iess.Identity.Tests.Infrastructure;
using Microsoft.AspNetCore.WebUtilities;

namespace Iess.Identity.Tests.Connect;

/// <summary>
/// The server as operators run it: a separate process configured only by environment variables, with an IESS app
/// registered by <c>Iess__Clients__N__*</c> alone, signing a person in over real HTTP.
/// </summary>
public sealed class EnvironmentClientProcessTests : IDisposable
{
    private const string ClientId = "historia-laboral";
    private const string ClientSecret = "historia-laboral-secret-0123456789-abcdefghij";
    private const string RedirectUri = "http://127.0.0.1:1/signin-oidc";
    private readonly string folder = Directory.CreateTempSubdirectory("iess-env-").FullName;

    public void Dispose()
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [Fact]
    public async Task ClientFromEnvironmentVariablesOnly_SignsAPersonIn_AndGetsTokens()
    {
        var port = FreePort();
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = folder };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Iess.IdentityServer.dll"));
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        start.Environment["Iess__Database__ConnectionString"] = $"Data Source={Path.Combine(folder, "iess.db")}";
        start.Environment["Iess__Connect__DevelopmentKeyFolder"] = Path.Combine(folder, "keys");
        start.Environment["Iess__Clients__7__ClientId"] = ClientId;
        start.Environment["Iess__Clients__7__ClientSecret"] = ClientSecret;
        start.Environment["Iess__Clients__7__DisplayName"] = "Historia laboral";
        start.Environment["Iess__Clients__7__RedirectUris__0"] = RedirectUri;
        start.Environment["Iess__Clients__7__Scopes__0"] = "openid";
        start.Environment["Iess__Clients__7__Scopes__1"] = "iess.identity";
        start.Environment["Iess__Clients__7__GrantTypes__0"] = "authorization_code";
        start.Environment["Iess__Clients__7__ConsentType"] = "Implicit";

        using var process = Process.Start(start)!;
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var server = new Uri($"http://127.0.0.1:{port}");
            await WaitUntilReadyAsync(server, process, output);

            var verifier = WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(32));
            var challenge = WebEncoders.Base64UrlEncode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
            var authorize = QueryHelpers.AddQueryString(new Uri(server, "/connect/authorize").ToString(), new Dictionary<string, string?>
            {
                ["client_id"] = ClientId, ["redirect_uri"] = RedirectUri, ["response_type"] = "code", ["scope"] = "openid iess.identity",
                ["code_challenge"] = challenge, ["code_challenge_method"] = "S256", ["state"] = "s1",
            });
            using var browser = new BrowserlessSignIn(server);
            var callback = await browser.AuthorizeAsync(authorize, RedirectUri, SignInAnswers.Affiliate);
            var code = QueryHelpers.ParseQuery(callback.Query)["code"].ToString();

            using var http = new HttpClient { BaseAddress = server };
            using var token = await http.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "authorization_code", ["code"] = code, ["redirect_uri"] = RedirectUri, ["code_verifier"] = verifier,
                ["client_id"] = ClientId, ["client_secret"] = ClientSecret,
            }));
            using var body = JsonDocument.Parse(await token.Content.ReadAsStringAsync());

            Assert.Equal(HttpStatusCode.OK, token.StatusCode);
            Assert.True(body.RootElement.TryGetProperty("id_token", out _));
            Assert.True(body.RootElement.TryGetProperty("access_token", out _));
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    private static async Task WaitUntilReadyAsync(Uri server, Process process, StringBuilder output)
    {
        using var http = new HttpClient { BaseAddress = server, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (DateTime.UtcNow < deadline && !process.HasExited)
        {
            try
            {
                if ((await http.GetAsync("/health/ready")).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(250);
        }

        lock (output)
        {
            throw new InvalidOperationException($"The server process did not become ready:\n{output}");
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
