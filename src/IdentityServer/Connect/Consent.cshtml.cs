using System.Collections.Immutable;
using Iess.Identity.Accounts;
using Iess.Identity.Audit;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Iess.Identity.Connect;

/// <summary>
/// Consent for apps registered with ConsentType=Explicit: shows the app and what it asks for; approving records a
/// permanent authorization and returns to the authorization request, denying returns access_denied to the app.
/// </summary>
[Authorize]
public sealed class ConsentModel(
    IOpenIddictApplicationManager applications,
    IOpenIddictAuthorizationManager authorizations,
    UserManager<IessUser> users,
    IessClaims claims,
    AuditLog audit) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? ClientId { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Scope { get; set; }

    public string ApplicationName { get; private set; } = "";

    public IReadOnlyList<string> Scopes { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync() => await LoadAsync() is null ? BadRequest() : Page();

    public async Task<IActionResult> OnPostAcceptAsync()
    {
        var application = await LoadAsync();
        var user = await users.GetUserAsync(User);
        if (application is null || user is null)
        {
            return BadRequest();
        }

        var granted = Scopes.ToImmutableArray();
        var identity = await claims.CreateIdentityAsync(user, granted);
        await authorizations.CreateAsync(identity, user.Id, (await applications.GetIdAsync(application))!, AuthorizationTypes.Permanent, granted);
        await audit.WriteAsync("consent.granted", "success", user.Id, user.Id, HttpContext, $"{ClientId}: {Scope}");
        return LocalRedirect(ReturnUrl!);
    }

    public async Task<IActionResult> OnPostDenyAsync()
    {
        if (await LoadAsync() is null)
        {
            return BadRequest();
        }

        await audit.WriteAsync("consent.denied", "success", users.GetUserId(User), users.GetUserId(User), HttpContext, ClientId);
        return LocalRedirect(ReturnUrl + (ReturnUrl!.Contains('?') ? "&" : "?") + ConnectEndpoints.ConsentDecisionParameter + "=deny");
    }

    private async Task<object?> LoadAsync()
    {
        if (string.IsNullOrEmpty(ReturnUrl) || !Url.IsLocalUrl(ReturnUrl) ||
            !ReturnUrl.StartsWith(ConnectEndpoints.AuthorizePath, StringComparison.Ordinal) || string.IsNullOrEmpty(ClientId))
        {
            return null;
        }

        var application = await applications.FindByClientIdAsync(ClientId);
        if (application is null)
        {
            return null;
        }

        var requested = (Scope ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries).Distinct().ToList();
        foreach (var scope in requested.Where(s => s != OpenIddictConstants.Scopes.OpenId))
        {
            if (!await applications.HasPermissionAsync(application, Permissions.Prefixes.Scope + scope))
            {
                return null;
            }
        }

        ApplicationName = await applications.GetLocalizedDisplayNameAsync(application) ?? ClientId;
        Scopes = requested;
        return application;
    }
}
