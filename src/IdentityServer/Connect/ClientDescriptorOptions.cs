namespace Iess.Identity.Connect;

/// <summary>An IESS app as declared in configuration (<c>Iess:Clients:N:*</c>), reconciled into the store at start.</summary>
public sealed class ClientDescriptorOptions
{
    public string ClientId { get; set; } = "";

    /// <summary>Absent for a public client (a SPA or a mobile app).</summary>
    public string? ClientSecret { get; set; }

    public string? DisplayName { get; set; }

    public List<string> RedirectUris { get; set; } = [];

    public List<string> PostLogoutRedirectUris { get; set; } = [];

    public List<string> Scopes { get; set; } = [];

    /// <summary>authorization_code, refresh_token, client_credentials.</summary>
    public List<string> GrantTypes { get; set; } = [];

    /// <summary>Implicit (no consent page) or Explicit (the person approves once).</summary>
    public string ConsentType { get; set; } = "Implicit";
}
