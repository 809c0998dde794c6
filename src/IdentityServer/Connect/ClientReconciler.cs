using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Iess.Identity.Connect;

/// <summary>
/// Makes the client store match <c>Iess:Clients</c>: creates missing clients and updates existing ones in place,
/// so an IESS app is registered by configuration alone and never duplicated. Also registers the IESS scopes.
/// </summary>
public sealed class ClientReconciler(
    IOpenIddictApplicationManager applications,
    IOpenIddictScopeManager scopes,
    IConfiguration configuration,
    ILogger<ClientReconciler> logger)
{
    public async Task ReconcileAsync(CancellationToken cancellationToken)
    {
        await EnsureScopeAsync(IessScopes.Identity, "Identificación IESS / IESS identity", [], cancellationToken);
        await EnsureScopeAsync(IessScopes.Admin, "Consola de administración / Admin console", [IessScopes.AdminApiResource], cancellationToken);

        foreach (var client in Configured(configuration))
        {
            var descriptor = ToDescriptor(client);
            var existing = await applications.FindByClientIdAsync(client.ClientId, cancellationToken);
            if (existing is null)
            {
                await applications.CreateAsync(descriptor, cancellationToken);
                logger.LogInformation("Registered client {ClientId} from configuration.", client.ClientId);
            }
            else
            {
                await applications.UpdateAsync(existing, descriptor, cancellationToken);
                logger.LogInformation("Updated client {ClientId} from configuration.", client.ClientId);
            }
        }
    }

    /// <summary>The clients declared under <c>Iess:Clients</c>; the admin API shows them read-only.</summary>
    public static IReadOnlyList<ClientDescriptorOptions> Configured(IConfiguration configuration) =>
        configuration.GetSection("Iess:Clients").Get<List<ClientDescriptorOptions>>() ?? [];

    /// <summary>Turns a configured client into OpenIddict's descriptor; throws with a clear message on bad input.</summary>
    public static OpenIddictApplicationDescriptor ToDescriptor(ClientDescriptorOptions client)
    {
        if (string.IsNullOrWhiteSpace(client.ClientId))
        {
            throw new InvalidOperationException("Every entry under Iess:Clients needs a ClientId.");
        }

        var confidential = !string.IsNullOrEmpty(client.ClientSecret);
        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = client.ClientId,
            ClientSecret = confidential ? client.ClientSecret : null,
            ClientType = confidential ? ClientTypes.Confidential : ClientTypes.Public,
            DisplayName = client.DisplayName ?? client.ClientId,
            ConsentType = client.ConsentType.ToLowerInvariant() switch
            {
                "explicit" => ConsentTypes.Explicit,
                "implicit" => ConsentTypes.Implicit,
                _ => throw new InvalidOperationException($"Client {client.ClientId}: ConsentType must be Implicit or Explicit."),
            },
        };

        foreach (var uri in client.RedirectUris)
        {
            descriptor.RedirectUris.Add(AbsoluteUri(client.ClientId, uri));
        }

        foreach (var uri in client.PostLogoutRedirectUris)
        {
            descriptor.PostLogoutRedirectUris.Add(AbsoluteUri(client.ClientId, uri));
        }

        var grants = client.GrantTypes.Count > 0 ? client.GrantTypes : [GrantTypes.AuthorizationCode, GrantTypes.RefreshToken];
        var interactive = grants.Contains(GrantTypes.AuthorizationCode);
        descriptor.Permissions.UnionWith([
            Permissions.Endpoints.Token,
            Permissions.Endpoints.Revocation,
            Permissions.Endpoints.Introspection,
        ]);
        if (interactive)
        {
            descriptor.Permissions.UnionWith([
                Permissions.Endpoints.Authorization,
                Permissions.Endpoints.EndSession,
                Permissions.Endpoints.PushedAuthorization,
                Permissions.ResponseTypes.Code,
            ]);
            descriptor.Requirements.Add(Requirements.Features.ProofKeyForCodeExchange);
        }

        foreach (var grant in grants)
        {
            if (grant is not (GrantTypes.AuthorizationCode or GrantTypes.RefreshToken or GrantTypes.ClientCredentials))
            {
                throw new InvalidOperationException($"Client {client.ClientId}: grant type '{grant}' is not supported.");
            }

            if (grant == GrantTypes.ClientCredentials && !confidential)
            {
                throw new InvalidOperationException($"Client {client.ClientId}: client_credentials needs a ClientSecret.");
            }

            descriptor.Permissions.Add(Permissions.Prefixes.GrantType + grant);
        }

        foreach (var scope in client.Scopes)
        {
            if (scope == Scopes.OpenId)
            {
                continue;
            }

            descriptor.Permissions.Add(Permissions.Prefixes.Scope + scope);
        }

        return descriptor;
    }

    private static Uri AbsoluteUri(string clientId, string value) =>
        RedirectUriProblem(value) is { } problem
            ? throw new InvalidOperationException($"Client {clientId}: '{value}' {problem}.")
            : new Uri(value, UriKind.Absolute);

    /// <summary>
    /// Why a redirect or post-logout URI is refused, or null when it is acceptable: absolute, https (http only on a
    /// loopback host), no wildcard, no fragment, no user info. Used for configured clients and the admin API alike.
    /// </summary>
    public static string? RedirectUriProblem(string? value)
    {
        if (string.IsNullOrWhiteSpace(value) || value.Length > 2000 || value.Any(c => char.IsControl(c) || char.IsWhiteSpace(c)))
        {
            return "is empty, too long or contains spaces";
        }

        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http"))
        {
            return "is not an absolute http(s) URI";
        }

        if (value.Contains('*') || value.Contains('#') || !string.IsNullOrEmpty(uri.UserInfo))
        {
            return "must not contain wildcards, a fragment or user info";
        }

        return uri.Scheme == "http" && !uri.IsLoopback ? "may use http only on localhost or a loopback address" : null;
    }

    private async Task EnsureScopeAsync(string name, string displayName, string[] resources, CancellationToken cancellationToken)
    {
        if (await scopes.FindByNameAsync(name, cancellationToken) is not null)
        {
            return;
        }

        var descriptor = new OpenIddictScopeDescriptor { Name = name, DisplayName = displayName };
        descriptor.Resources.UnionWith(resources);
        await scopes.CreateAsync(descriptor, cancellationToken);
    }
}
