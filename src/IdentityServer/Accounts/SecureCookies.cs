using Iess.Identity.Hosting;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Options;

namespace Iess.Identity.Accounts;

/// <summary>Marks every authentication cookie Secure outside Development (HTTPS or a TLS-terminating proxy).</summary>
internal sealed class SecureCookies(IOptions<HostingOptions> hosting) : IPostConfigureOptions<CookieAuthenticationOptions>
{
    public void PostConfigure(string? name, CookieAuthenticationOptions options)
    {
        options.Cookie.HttpOnly = true;
        options.Cookie.SameSite = SameSiteMode.Lax;
        options.Cookie.SecurePolicy = hosting.Value.SecureCookies ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest;
    }
}
