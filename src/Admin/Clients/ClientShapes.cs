namespace Iess.Admin.Clients;

/// <summary>An OIDC client as the admin API returns it.</summary>
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

/// <summary>A change's answer: the client now and, once only, a new secret.</summary>
public sealed record ClientChange(ClientView Client, string? ClientSecret);

/// <summary>One page of a list from the admin API.</summary>
public sealed record ApiPage<T>(IReadOnlyList<T> Items, int PageNumber, int PageSize, int Total);
