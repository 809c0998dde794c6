extern alias admin;

using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using AdminApiClient = admin::Iess.Admin.Hosting.AdminApiClient;
using AdminProgram = admin::Program;

namespace Iess.Identity.BrowserTests.Infrastructure;

/// <summary>
/// The real officer console (src/Admin) on a real loopback port, registered at the test server as its own client
/// (the demo iess-admin client redirects to localhost:5001, not to this port). It starts before the server and is
/// pointed at it before its first request.
/// </summary>
public sealed class AdminConsoleFactory : WebApplicationFactory<AdminProgram>
{
    public const string ClientId = "iess-admin-browser-tests";
    public const string ClientSecret = "iess-admin-browser-tests-secret-0123456789abcdef";

    private readonly List<Action<IServiceCollection>> serviceChanges = [];
    private Uri? authority;

    public AdminConsoleFactory() => UseKestrel(0);

    /// <summary>The console's base address (starts it on first use).</summary>
    public Uri BaseAddress
    {
        get
        {
            StartServer();
            return ClientOptions.BaseAddress;
        }
    }

    /// <summary>Points the console at the started server; call before the first sign-in.</summary>
    public void UseAuthority(Uri serverAddress) => authority = serverAddress;

    /// <summary>Changes the console's services (e.g. its clock) before it starts.</summary>
    public AdminConsoleFactory WithServices(Action<IServiceCollection> change)
    {
        serviceChanges.Add(change);
        return this;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseSetting("Iess:Admin:ClientId", ClientId);
        builder.UseSetting("Iess:Admin:ClientSecret", ClientSecret);
        builder.ConfigureTestServices(services =>
        {
            services
                .AddOptions<OpenIdConnectOptions>(OpenIdConnectDefaults.AuthenticationScheme)
                .Configure(o => o.Authority = authority?.ToString() ?? throw new InvalidOperationException("The authority is not known yet."));

            // The admin API lives on the same server; the client's address is read each time a client is made.
            services.AddHttpClient<AdminApiClient>(http => http.BaseAddress = new Uri(authority ?? throw new InvalidOperationException("The authority is not known yet."), "api/admin/"));
            foreach (var change in serviceChanges)
            {
                change(services);
            }
        });
    }
}
