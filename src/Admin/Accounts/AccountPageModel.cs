using Iess.Admin.Hosting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Iess.Admin.Accounts;

/// <summary>Base of the account pages: what to do when the API no longer accepts the officer's session.</summary>
public abstract class AccountPageModel(ILogger logger) : PageModel
{
    public string? Error { get; protected set; }

    public bool IsSupervisor => User.FindAll(OfficerRoles.RoleClaim).Any(c => c.Value is OfficerRoles.Supervisor or OfficerRoles.Administrator);

    /// <summary>
    /// 401: the access token expired and could not be renewed (or was revoked): sign in again through IdentityServer
    /// (usually silent, its session is still there) and come back to <paramref name="returnTo"/>.
    /// </summary>
    protected IActionResult? SignInAgainIfNeeded<T>(ApiResult<T> result, string returnTo) =>
        result.Status == System.Net.HttpStatusCode.Unauthorized
            ? Challenge(new AuthenticationProperties { RedirectUri = returnTo }, OpenIdConnectDefaults.AuthenticationScheme)
            : null;

    /// <summary>The call, or null with <paramref name="unreachable"/> shown when IdentityServer cannot be reached (the officer sees no crash).</summary>
    protected async Task<ApiResult<T>?> CallAsync<T>(Func<Task<ApiResult<T>>> call, string unreachable)
    {
        try
        {
            return await call();
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException)
        {
            logger.LogWarning("The admin API could not be reached: {Error}", exception.GetType().Name);
            Error = unreachable;
            return null;
        }
    }
}
