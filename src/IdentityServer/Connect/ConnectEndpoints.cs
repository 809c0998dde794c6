using System.Globalization;
using System.Security.Claims;
using Iess.Identity.Accounts;
using Iess.Identity.Audit;
using Iess.Identity.Hosting;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Primitives;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Iess.Identity.Connect;

/// <summary>
/// The passthrough endpoints: OpenIddict validates each protocol request, these decide who the person is,
/// whether consent is needed, and which claims go out.
/// </summary>
public static class ConnectEndpoints
{
    public const string AuthorizePath = "/connect/authorize";
    public const string TokenPath = "/connect/token";
    public const string UserInfoPath = "/connect/userinfo";
    public const string EndSessionPath = "/connect/endsession";
    public const string ConsentDecisionParameter = "iess_consent";

    public static IEndpointRouteBuilder MapConnectEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapMethods(AuthorizePath, [HttpMethods.Get, HttpMethods.Post], AuthorizeAsync).DisableAntiforgery();
        app.MapPost(TokenPath, TokenAsync).DisableAntiforgery();
        app.MapMethods(UserInfoPath, [HttpMethods.Get, HttpMethods.Post], UserInfoAsync).DisableAntiforgery();
        app.MapMethods(EndSessionPath, [HttpMethods.Get, HttpMethods.Post], EndSessionAsync).DisableAntiforgery();
        return app;
    }

    private static async Task<IResult> AuthorizeAsync(
        HttpContext http,
        IOpenIddictApplicationManager applications,
        IOpenIddictAuthorizationManager authorizations,
        IOpenIddictScopeManager scopes,
        UserManager<IessUser> users,
        IessClaims claims,
        InteractionMarker interaction,
        TimeProvider time)
    {
        var request = http.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("No OpenID Connect request.");
        var wantsOfficer = request.HasScope(IessScopes.Admin);

        var session = await http.AuthenticateAsync(IdentityConstants.ApplicationScheme);
        var user = session.Succeeded ? await users.GetUserAsync(session.Principal) : null;
        var issued = session.Properties?.IssuedUtc;
        var markedAt = interaction.MarkedAt(http);
        var fresh = user is not null
            && (user.AccountType == AccountType.Officer) == wantsOfficer
            && ((markedAt is not null && issued >= markedAt)
                || (!request.HasPromptValue(PromptValues.Login)
                    && (request.MaxAge is null || (issued is { } at && time.GetUtcNow() - at <= TimeSpan.FromSeconds(request.MaxAge.Value)))));

        if (!fresh)
        {
            if (request.HasPromptValue(PromptValues.None))
            {
                return Forbid(Errors.LoginRequired, "The user is not signed in.");
            }

            // Drop prompt=login before sending the person to the form, or they would loop back to it.
            var parameters = (http.Request.HasFormContentType ? http.Request.Form.AsEnumerable() : http.Request.Query.AsEnumerable())
                .Where(p => p.Key != Parameters.Prompt)
                .ToList();
            var prompt = string.Join(' ', request.GetPromptValues().Remove(PromptValues.Login));
            if (prompt.Length > 0)
            {
                parameters.Add(KeyValuePair.Create(Parameters.Prompt, new StringValues(prompt)));
            }

            var returnUrl = http.Request.PathBase + http.Request.Path + QueryString.Create(parameters);
            if (request.HasPromptValue(PromptValues.Login) || request.MaxAge is not null)
            {
                interaction.Mark(http, returnUrl);
            }

            var login = new Dictionary<string, string?>
            {
                ["ReturnUrl"] = returnUrl,
                ["Account"] = wantsOfficer ? "officer" : null,
                ["Hint"] = request.LoginHint,
                ["ui_locales"] = request.UiLocales,
            };
            return Results.Redirect("/Login" + QueryString.Create(login.Where(p => !string.IsNullOrEmpty(p.Value))));
        }

        // An officer reset this person's security profile: no app is reached until a new one is chosen.
        if (user!.MustChooseSecurityProfile && user.AccountType != AccountType.Officer)
        {
            return request.HasPromptValue(PromptValues.None)
                ? Forbid(Errors.InteractionRequired, "The user must choose a new security profile.")
                : Results.Redirect(Login.SignInGate.ChooseSecurityProfilePath + QueryString.Create("ReturnUrl",
                    http.Request.PathBase + http.Request.Path + QueryString.Create(http.Request.HasFormContentType ? http.Request.Form.AsEnumerable() : http.Request.Query.AsEnumerable())));
        }

        var application = await applications.FindByClientIdAsync(request.ClientId!)
            ?? throw new InvalidOperationException("The client was validated but cannot be found.");
        var applicationId = await applications.GetIdAsync(application);

        if (http.Request.Query.TryGetValue(ConsentDecisionParameter, out var decision) && decision == "deny")
        {
            return Forbid(Errors.AccessDenied, "The user denied the request.");
        }

        var existing = new List<object>();
        await foreach (var authorization in authorizations.FindAsync(user!.Id, applicationId, Statuses.Valid, AuthorizationTypes.Permanent, request.GetScopes()))
        {
            existing.Add(authorization);
        }

        var consentType = await applications.GetConsentTypeAsync(application);
        var consentedForThisRequest = false;
        if (request.HasPromptValue(PromptValues.Consent) && markedAt is not null)
        {
            foreach (var authorization in existing)
            {
                consentedForThisRequest |= await authorizations.GetCreationDateAsync(authorization) >= markedAt;
            }
        }

        if (consentType == ConsentTypes.Explicit && (existing.Count == 0 || (request.HasPromptValue(PromptValues.Consent) && !consentedForThisRequest)))
        {
            if (request.HasPromptValue(PromptValues.None))
            {
                return Forbid(Errors.ConsentRequired, "Interactive consent is required.");
            }

            var returnUrl = http.Request.PathBase + http.Request.Path + http.Request.QueryString;
            if (request.HasPromptValue(PromptValues.Consent) && markedAt is null)
            {
                interaction.Mark(http, returnUrl);
            }

            return Results.Redirect("/Connect/Consent" + QueryString.Create(new Dictionary<string, string?>
            {
                ["ReturnUrl"] = returnUrl,
                ["ClientId"] = request.ClientId,
                ["Scope"] = request.Scope,
            }));
        }

        var identity = await claims.CreateIdentityAsync(user, request.GetScopes());
        identity.SetClaim(Claims.AuthenticationTime, (issued ?? time.GetUtcNow()).ToUnixTimeSeconds());
        var resources = new List<string>();
        await foreach (var resource in scopes.ListResourcesAsync(identity.GetScopes()))
        {
            resources.Add(resource);
        }

        identity.SetResources(resources);
        var permanent = existing.LastOrDefault() ?? await authorizations.CreateAsync(
            identity, user.Id, applicationId!, AuthorizationTypes.Permanent, identity.GetScopes());
        identity.SetAuthorizationId(await authorizations.GetIdAsync(permanent));

        return Results.SignIn(new ClaimsPrincipal(identity), authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    private static async Task<IResult> TokenAsync(
        HttpContext http,
        UserManager<IessUser> users,
        IessClaims claims,
        IOpenIddictScopeManager scopes,
        IessMetrics metrics)
    {
        var request = http.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("No OpenID Connect request.");

        if (request.IsAuthorizationCodeGrantType() || request.IsRefreshTokenGrantType())
        {
            var result = await http.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
            var subject = result.Principal?.GetClaim(Claims.Subject);
            var user = subject is null ? null : await users.FindByIdAsync(subject);
            if (user is null)
            {
                return Forbid(Errors.InvalidGrant, "The account no longer exists.");
            }

            // Claims are rebuilt from the account as it is now, so a changed email reaches the app on refresh.
            var identity = await claims.CreateIdentityAsync(user, result.Principal!.GetScopes());
            // auth_time must stay a JSON number: copied as a string, OpenIddict refuses the sign-in with a 500.
            if (long.TryParse(result.Principal!.GetClaim(Claims.AuthenticationTime), NumberStyles.Integer, CultureInfo.InvariantCulture, out var authenticatedAt))
            {
                identity.SetClaim(Claims.AuthenticationTime, authenticatedAt);
            }

            identity.SetResources(result.Principal!.GetResources());
            identity.SetAuthorizationId(result.Principal!.GetAuthorizationId());
            metrics.TokenIssued(request.GrantType!);
            return Results.SignIn(new ClaimsPrincipal(identity), authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        }

        if (request.IsClientCredentialsGrantType())
        {
            var identity = new ClaimsIdentity(TokenValidationParameters.DefaultAuthenticationType, Claims.Name, Claims.Role);
            identity.SetClaim(Claims.Subject, request.ClientId);
            identity.SetScopes(request.GetScopes());
            var resources = new List<string>();
            await foreach (var resource in scopes.ListResourcesAsync(identity.GetScopes()))
            {
                resources.Add(resource);
            }

            identity.SetResources(resources);
            identity.SetDestinations(_ => [Destinations.AccessToken]);
            metrics.TokenIssued(request.GrantType!);
            return Results.SignIn(new ClaimsPrincipal(identity), authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        }

        return Forbid(Errors.UnsupportedGrantType, "The grant type is not supported.");
    }

    private static async Task<IResult> UserInfoAsync(HttpContext http, UserManager<IessUser> users)
    {
        var result = await http.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        var subject = result.Principal?.GetClaim(Claims.Subject);
        var user = subject is null ? null : await users.FindByIdAsync(subject);
        if (user is null)
        {
            return Results.Challenge(
                Properties(Errors.InvalidToken, "The account behind this token no longer exists."),
                [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
        }

        var body = new Dictionary<string, object>(StringComparer.Ordinal) { [Claims.Subject] = user.Id };
        foreach (var claim in IessClaims.ClaimsFor(user, result.Principal!.GetScopes()))
        {
            body[claim.Type] = claim.ValueType == ClaimValueTypes.Boolean ? claim.Value == "true" : claim.Value;
        }

        return Results.Json(body);
    }

    private static async Task<IResult> EndSessionAsync(
        HttpContext http,
        SignInManager<IessUser> signIn,
        IAntiforgery antiforgery,
        AuditLog audit)
    {
        var request = http.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("No OpenID Connect request.");
        var session = await http.AuthenticateAsync(IdentityConstants.ApplicationScheme);
        var sessionSubject = session.Principal?.FindFirstValue(ClaimTypes.NameIdentifier);

        // A valid id_token_hint for the signed-in account (OpenIddict has checked its signature and audience) is
        // enough; otherwise the person confirms on a page, so a third-party site cannot sign them out silently.
        var hint = await http.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        var hintSubject = hint.Principal?.GetClaim(Claims.Subject);
        var confirmed = sessionSubject is null
            || (hintSubject is not null && hintSubject == sessionSubject)
            || (HttpMethods.IsPost(http.Request.Method) && http.Request.HasFormContentType
                && http.Request.Form["confirm"] == "1" && await antiforgery.IsRequestValidAsync(http));

        if (!confirmed)
        {
            var query = http.Request.HasFormContentType ? QueryString.Create(http.Request.Form.AsEnumerable()) : http.Request.QueryString;
            return Results.Redirect("/Logout" + QueryString.Create("ReturnUrl", EndSessionPath + query));
        }

        if (sessionSubject is not null)
        {
            await signIn.SignOutAsync();
            await audit.WriteAsync("signout", "success", sessionSubject, sessionSubject, http, request.ClientId);
        }

        return Results.SignOut(new AuthenticationProperties { RedirectUri = "/Logout/Done" }, [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
    }

    private static IResult Forbid(string error, string description) =>
        Results.Forbid(Properties(error, description), [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);

    private static AuthenticationProperties Properties(string error, string description) => new(new Dictionary<string, string?>
    {
        [OpenIddictServerAspNetCoreConstants.Properties.Error] = error,
        [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = description,
    });
}
