using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using Iess.Identity.Audit;
using Iess.Identity.Connect;
using OpenIddict.Abstractions;
using OpenIddict.EntityFrameworkCore.Models;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Iess.Identity.AdminApi;

/// <summary>An OIDC client as the console shows it; <see cref="ReadOnly"/> when it is declared in configuration.</summary>
public sealed record ClientView(
    string ClientId,
    string DisplayName,
    string Type,
    string ConsentType,
    IReadOnlyList<string> RedirectUris,
    IReadOnlyList<string> PostLogoutRedirectUris,
    IReadOnlyList<string> Scopes,
    bool ReadOnly,
    bool Disabled,
    string Version);

/// <summary>The result of a change; <see cref="ClientSecret"/> is the new secret in clear, present this once only.</summary>
public sealed record ClientChange(ClientView Client, string? ClientSecret);

/// <summary>What an administrator sends to create (with <see cref="ClientId"/>) or edit a client.</summary>
public sealed record ClientInput(
    string? ClientId,
    string? DisplayName,
    string? Type,
    string? ConsentType,
    List<string>? RedirectUris,
    List<string>? PostLogoutRedirectUris,
    List<string>? Scopes,
    string? Reason);

/// <summary>A change that needs nothing but its reason (rotate the secret, disable).</summary>
public sealed record ReasonInput(string? Reason);

/// <summary>
/// The OIDC clients of IESS apps (administrators only): list, create, edit, rotate the secret (returned once, stored
/// hashed by <see cref="IessApplicationManager"/>), disable (no more tokens; its tokens and authorizations revoked).
/// Clients declared in <c>Iess:Clients</c> are reconciled from configuration at every start, so they are read-only here.
/// </summary>
public static partial class ClientsEndpoints
{
    /// <summary>Marks a client disabled by an administrator (kept in the application's properties).</summary>
    public const string DisabledProperty = "iess_disabled";

    /// <summary>Scopes an API-managed client may be allowed; <c>iess.admin</c> is kept for the configured console.</summary>
    public static readonly string[] AllowedScopes =
        [Scopes.OpenId, Scopes.Profile, Scopes.Email, Scopes.Phone, Scopes.OfflineAccess, IessScopes.Identity];

    private const int MaxUris = 20;

    public static RouteGroupBuilder MapClientsEndpoints(this RouteGroupBuilder api)
    {
        var clients = api.MapGroup("/clients").RequireAuthorization(AdminApiExtensions.AdministratorPolicy);
        clients.MapGet("/", ListAsync);
        clients.MapGet("/{clientId}", GetAsync);
        clients.MapPost("/", CreateAsync);
        clients.MapPut("/{clientId}", EditAsync);
        clients.MapPost("/{clientId}/secret", RotateSecretAsync);
        clients.MapPost("/{clientId}/disable", DisableAsync);
        return api;
    }

    private static async Task<IResult> ListAsync(HttpContext http, IOpenIddictApplicationManager applications, IConfiguration configuration, CancellationToken cancellationToken)
    {
        if (AdminRequests.Paging(http, out var problem) is not { } paging)
        {
            return problem!;
        }

        var all = new List<ClientView>();
        await foreach (var application in applications.ListAsync(null, null, cancellationToken))
        {
            all.Add(await ViewAsync(applications, application, configuration, cancellationToken));
        }

        var items = all.OrderBy(c => c.ClientId, StringComparer.Ordinal).Skip((paging.Page - 1) * paging.Size).Take(paging.Size).ToList();
        return TypedResults.Ok(new Page<ClientView>(items, paging.Page, paging.Size, all.Count));
    }

    private static async Task<IResult> GetAsync(string clientId, HttpContext http, IOpenIddictApplicationManager applications, IConfiguration configuration, CancellationToken cancellationToken)
    {
        if (await applications.FindByClientIdAsync(clientId, cancellationToken) is not { } application)
        {
            return AdminProblems.NotFound();
        }

        var view = await ViewAsync(applications, application, configuration, cancellationToken);
        AdminRequests.SetVersion(http, view.Version);
        return TypedResults.Ok(view);
    }

    private static async Task<IResult> CreateAsync(ClientInput? input, HttpContext http, IOpenIddictApplicationManager applications, IConfiguration configuration, AuditLog audit, CancellationToken cancellationToken)
    {
        if (input is null)
        {
            return AdminProblems.Invalid("body", "Falta el cuerpo JSON / The JSON body is missing");
        }

        if (AdminRequests.Reason(input.Reason, out var reasonProblem) is not { } reason)
        {
            return reasonProblem!;
        }

        var errors = Validate(input, creating: true);
        if (errors.Count > 0)
        {
            return AdminProblems.Invalid(errors);
        }

        var clientId = input.ClientId!;
        if (IsConfigured(configuration, clientId) || await applications.FindByClientIdAsync(clientId, cancellationToken) is not null)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status409Conflict,
                title: "Ya existe un cliente con ese identificador / A client with that id already exists",
                type: "https://iess.gob.ec/problems/client-exists");
        }

        var secret = input.Type == ClientTypes.Confidential ? NewSecret() : null;
        var descriptor = ClientReconciler.ToDescriptor(Options(input, clientId, secret));
        var application = await applications.CreateAsync(descriptor, cancellationToken);
        var view = await ViewAsync(applications, application, configuration, cancellationToken);
        await AuditAsync(audit, http, "client.created", view, reason);
        AdminRequests.SetVersion(http, view.Version);
        return TypedResults.Created($"{AdminApiExtensions.Prefix}/clients/{Uri.EscapeDataString(clientId)}", new ClientChange(view, secret));
    }

    private static async Task<IResult> EditAsync(string clientId, ClientInput? input, HttpContext http, IOpenIddictApplicationManager applications, IConfiguration configuration, AuditLog audit, CancellationToken cancellationToken)
    {
        if (input is null)
        {
            return AdminProblems.Invalid("body", "Falta el cuerpo JSON / The JSON body is missing");
        }

        return await ChangeAsync(clientId, input.Reason, http, applications, configuration, audit, "client.updated", cancellationToken, async (application, descriptor, view) =>
        {
            var errors = Validate(input, creating: false);
            if (errors.Count > 0)
            {
                return (AdminProblems.Invalid(errors), null);
            }

            // A confidential client keeps its (hashed) secret; one turned confidential gets a new secret, shown once.
            var keep = view.Type == ClientTypes.Confidential && input.Type == ClientTypes.Confidential;
            var secret = input.Type == ClientTypes.Confidential && !keep ? NewSecret() : null;
            var edited = ClientReconciler.ToDescriptor(Options(input, clientId, keep ? new string('k', IessApplicationManager.MinimumSecretLength) : secret));
            edited.ClientSecret = keep ? descriptor.ClientSecret : secret;
            await applications.UpdateAsync(application, edited, cancellationToken);
            return (null, secret);
        });
    }

    private static Task<IResult> RotateSecretAsync(string clientId, ReasonInput? input, HttpContext http, IOpenIddictApplicationManager applications, IConfiguration configuration, AuditLog audit, CancellationToken cancellationToken) =>
        ChangeAsync(clientId, input?.Reason, http, applications, configuration, audit, "client.secret_rotated", cancellationToken, async (application, _, view) =>
        {
            if (view.Type != ClientTypes.Confidential)
            {
                return (AdminProblems.Invalid("type", "Un cliente público no tiene secreto / A public client has no secret"), null);
            }

            var secret = NewSecret();
            await applications.UpdateAsync(application, secret, cancellationToken);
            return (null, secret);
        });

    private static Task<IResult> DisableAsync(string clientId, ReasonInput? input, HttpContext http, IOpenIddictApplicationManager applications, IConfiguration configuration, AuditLog audit, CancellationToken cancellationToken) =>
        ChangeAsync(clientId, input?.Reason, http, applications, configuration, audit, "client.disabled", cancellationToken, async (application, descriptor, _) =>
        {
            // Without endpoint and grant permissions OpenIddict refuses every request from the client (unauthorized_client).
            descriptor.Permissions.Clear();
            descriptor.Properties[DisabledProperty] = JsonSerializer.SerializeToElement(true);
            await applications.UpdateAsync(application, descriptor, cancellationToken);
            var id = await applications.GetIdAsync(application, cancellationToken);
            var tokens = http.RequestServices.GetRequiredService<IOpenIddictTokenManager>();
            var authorizations = http.RequestServices.GetRequiredService<IOpenIddictAuthorizationManager>();
            await tokens.RevokeByApplicationIdAsync(id!, cancellationToken);
            await authorizations.RevokeByApplicationIdAsync(id!, cancellationToken);
            return (null, null);
        });

    /// <summary>
    /// The checks every change shares: reason, If-Match, the client exists, is not configured and not disabled, and its
    /// version is the one the caller read; then <paramref name="change"/> runs, and a clash with another change is a 409.
    /// </summary>
    private static async Task<IResult> ChangeAsync(
        string clientId,
        string? reasonText,
        HttpContext http,
        IOpenIddictApplicationManager applications,
        IConfiguration configuration,
        AuditLog audit,
        string eventType,
        CancellationToken cancellationToken,
        Func<object, OpenIddictApplicationDescriptor, ClientView, Task<(IResult? Problem, string? Secret)>> change)
    {
        if (AdminRequests.Reason(reasonText, out var problem) is not { } reason || AdminRequests.IfMatch(http, out problem) is not { } version)
        {
            return problem!;
        }

        if (await applications.FindByClientIdAsync(clientId, cancellationToken) is not { } application)
        {
            return AdminProblems.NotFound();
        }

        var before = await ViewAsync(applications, application, configuration, cancellationToken);
        if (before.ReadOnly)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status409Conflict,
                title: "Este cliente se declara en la configuración del servidor y no se puede cambiar aquí / This client is declared in the server's configuration and cannot be changed here",
                type: "https://iess.gob.ec/problems/client-read-only");
        }

        if (before.Disabled)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status409Conflict,
                title: "Este cliente está deshabilitado / This client is disabled",
                type: "https://iess.gob.ec/problems/client-disabled");
        }

        if (!string.Equals(before.Version, version, StringComparison.Ordinal))
        {
            return AdminProblems.Conflict(before);
        }

        var descriptor = new OpenIddictApplicationDescriptor();
        await applications.PopulateAsync(descriptor, application, cancellationToken);
        (IResult? Problem, string? Secret) outcome;
        try
        {
            outcome = await change(application, descriptor, before);
        }
        catch (OpenIddictExceptions.ConcurrencyException)
        {
            var fresh = await applications.FindByClientIdAsync(clientId, CancellationToken.None);
            return fresh is null ? AdminProblems.NotFound() : AdminProblems.Conflict(await ViewAsync(applications, fresh, configuration, CancellationToken.None));
        }

        if (outcome.Problem is not null)
        {
            return outcome.Problem;
        }

        var after = await ViewAsync(applications, application, configuration, cancellationToken);
        await AuditAsync(audit, http, eventType, after, reason);
        AdminRequests.SetVersion(http, after.Version);
        return TypedResults.Ok(new ClientChange(after, outcome.Secret));
    }

    private static Dictionary<string, string[]> Validate(ClientInput input, bool creating)
    {
        var errors = new Dictionary<string, string[]>();
        if (creating && (input.ClientId is null || !ClientIdPattern().IsMatch(input.ClientId)))
        {
            errors["clientId"] = ["Identificador de 3 a 64 caracteres: minúsculas, cifras, '.', '_' o '-' / Id of 3 to 64 characters: lower-case letters, digits, '.', '_' or '-'"];
        }

        if (string.IsNullOrWhiteSpace(input.DisplayName) || input.DisplayName.Trim().Length > 200 || input.DisplayName.Any(char.IsControl))
        {
            errors["displayName"] = ["Indique un nombre de hasta 200 caracteres / Give a name of up to 200 characters"];
        }

        if (input.Type is not (ClientTypes.Public or ClientTypes.Confidential))
        {
            errors["type"] = ["El tipo es public o confidential / type must be public or confidential"];
        }

        if (input.ConsentType is not (ConsentTypes.Implicit or ConsentTypes.Explicit))
        {
            errors["consentType"] = ["El consentimiento es implicit o explicit / consentType must be implicit or explicit"];
        }

        CheckUris(errors, "redirectUris", input.RedirectUris, required: true);
        CheckUris(errors, "postLogoutRedirectUris", input.PostLogoutRedirectUris ?? [], required: false);
        var scopes = input.Scopes ?? [];
        if (scopes.Count == 0 || scopes.Count > AllowedScopes.Length || scopes.Any(s => !AllowedScopes.Contains(s, StringComparer.Ordinal)))
        {
            errors["scopes"] = [$"Alcances permitidos / allowed scopes: {string.Join(", ", AllowedScopes)}"];
        }

        return errors;
    }

    private static void CheckUris(Dictionary<string, string[]> errors, string field, List<string>? uris, bool required)
    {
        if (uris is null || (required && uris.Count == 0) || uris.Count > MaxUris)
        {
            errors[field] = [$"Indique de {(required ? 1 : 0)} a {MaxUris} direcciones / Give {(required ? 1 : 0)} to {MaxUris} URIs"];
            return;
        }

        var problems = uris.Select(u => (Uri: u, Problem: ClientReconciler.RedirectUriProblem(u))).Where(p => p.Problem is not null)
            .Select(p => $"'{Truncate(p.Uri)}': dirección absoluta https (http solo en localhost), sin comodines ni fragmento / {p.Problem}")
            .ToArray();
        if (problems.Length > 0)
        {
            errors[field] = problems;
        }
    }

    private static ClientDescriptorOptions Options(ClientInput input, string clientId, string? secret) => new()
    {
        ClientId = clientId,
        ClientSecret = secret,
        DisplayName = input.DisplayName!.Trim(),
        ConsentType = input.ConsentType!,
        RedirectUris = input.RedirectUris!.Distinct(StringComparer.Ordinal).ToList(),
        PostLogoutRedirectUris = (input.PostLogoutRedirectUris ?? []).Distinct(StringComparer.Ordinal).ToList(),
        Scopes = input.Scopes!.Distinct(StringComparer.Ordinal).ToList(),
        GrantTypes = [GrantTypes.AuthorizationCode, GrantTypes.RefreshToken],
    };

    private static async Task<ClientView> ViewAsync(IOpenIddictApplicationManager applications, object application, IConfiguration configuration, CancellationToken cancellationToken)
    {
        var descriptor = new OpenIddictApplicationDescriptor();
        await applications.PopulateAsync(descriptor, application, cancellationToken);
        var clientId = descriptor.ClientId ?? "";
        var disabled = descriptor.Properties.TryGetValue(DisabledProperty, out var flag) && flag.ValueKind == JsonValueKind.True;
        var scopes = descriptor.Permissions.Where(p => p.StartsWith(Permissions.Prefixes.Scope, StringComparison.Ordinal))
            .Select(p => p[Permissions.Prefixes.Scope.Length..]);
        return new ClientView(
            clientId,
            descriptor.DisplayName ?? clientId,
            descriptor.ClientType ?? ClientTypes.Public,
            descriptor.ConsentType ?? ConsentTypes.Implicit,
            [.. descriptor.RedirectUris.Select(u => u.OriginalString).Order(StringComparer.Ordinal)],
            [.. descriptor.PostLogoutRedirectUris.Select(u => u.OriginalString).Order(StringComparer.Ordinal)],
            [.. (disabled ? [] : scopes.Prepend(Scopes.OpenId)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)],
            IsConfigured(configuration, clientId),
            disabled,
            ((OpenIddictEntityFrameworkCoreApplication)application).ConcurrencyToken ?? "");
    }

    private static bool IsConfigured(IConfiguration configuration, string clientId) =>
        ClientReconciler.Configured(configuration).Any(c => string.Equals(c.ClientId, clientId, StringComparison.Ordinal));

    private static Task AuditAsync(AuditLog audit, HttpContext http, string type, ClientView client, string reason) =>
        audit.WriteAsync(type, "success", null, Officer.Of(http).UserId, http, $"client={client.ClientId}; reason={reason}");

    /// <summary>48 URL-safe characters from 36 random bytes (288 bits).</summary>
    private static string NewSecret() =>
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(36)).Replace('+', '-').Replace('/', '_');

    private static string Truncate(string? value) => value is { Length: > 80 } ? value[..80] + "…" : value ?? "";

    [GeneratedRegex("^[a-z0-9][a-z0-9._-]{2,63}$")]
    private static partial Regex ClientIdPattern();
}
