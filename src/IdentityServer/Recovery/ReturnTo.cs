using Iess.Identity.Hosting;

namespace Iess.Identity.Recovery;

/// <summary>
/// Remembers, for the length of a flow, the app sign-in a person left to recover or generate a password, so the
/// "done" page signs them in again there (never automatically). Only local URLs are kept.
/// </summary>
public static class ReturnTo
{
    private const string CookieName = "iess.return";

    public static void Remember(HttpContext http, string? returnUrl)
    {
        if (ReturnUrlGuard.IsLocal(returnUrl) && returnUrl!.Length <= 2000)
        {
            http.Response.Cookies.Append(CookieName, returnUrl, new CookieOptions
            {
                HttpOnly = true, SameSite = SameSiteMode.Lax, Path = "/", MaxAge = TimeSpan.FromHours(1), Secure = http.Request.IsHttps,
            });
        }
    }

    /// <summary>The sign-in link for the done page: back to the app's sign-in when one was remembered.</summary>
    public static string SignInLink(HttpContext http)
    {
        var returnUrl = http.Request.Cookies[CookieName];
        return ReturnUrlGuard.IsLocal(returnUrl) ? "/Login?ReturnUrl=" + Uri.EscapeDataString(returnUrl!) : "/Login";
    }
}
