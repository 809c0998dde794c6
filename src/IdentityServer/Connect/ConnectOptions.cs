using System.ComponentModel.DataAnnotations;

namespace Iess.Identity.Connect;

/// <summary>Token lifetimes, keys and housekeeping for the OIDC server, bound from <c>Iess:Connect</c>.</summary>
public sealed class ConnectOptions
{
    public const string Section = "Iess:Connect";

    /// <summary>The issuer URL; empty means the URL the request arrived on.</summary>
    public Uri? Issuer { get; set; }

    /// <summary>Refuse plain HTTP. Defaults to on outside Development; turn off only behind a TLS-terminating proxy.</summary>
    public bool? RequireHttps { get; set; }

    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromMinutes(10);

    public TimeSpan IdentityTokenLifetime { get; set; } = TimeSpan.FromMinutes(10);

    public TimeSpan AuthorizationCodeLifetime { get; set; } = TimeSpan.FromMinutes(2);

    public TimeSpan RefreshTokenLifetime { get; set; } = TimeSpan.FromDays(14);

    /// <summary>How long a rotated refresh token may still be redeemed (lost responses, parallel tabs).</summary>
    public TimeSpan RefreshTokenReuseLeeway { get; set; } = TimeSpan.FromSeconds(30);

    public TimeSpan PruneInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Expired or revoked tokens and authorizations older than this are deleted.</summary>
    public TimeSpan PruneAfter { get; set; } = TimeSpan.FromDays(1);

    /// <summary>Tokens deleted per statement while pruning; small batches keep each write lock short.</summary>
    [Range(50, 10_000)]
    public int PruneBatchSize { get; set; } = 200;

    /// <summary>
    /// The shortest pause after each pruning batch, so requests waiting to write go first; the pause is never shorter
    /// than the batch itself took.
    /// </summary>
    public TimeSpan PruneBatchPause { get; set; } = TimeSpan.FromMilliseconds(20);

    /// <summary>Signing keys (PEM or PFX files), newest first: the first signs, all are published.</summary>
    public List<KeyFileOptions> SigningKeys { get; set; } = [];

    /// <summary>Encryption keys (PEM or PFX files), newest first.</summary>
    public List<KeyFileOptions> EncryptionKeys { get; set; } = [];

    /// <summary>Certificates from the machine's store, by thumbprint, newest first.</summary>
    public List<string> SigningCertificateThumbprints { get; set; } = [];

    public List<string> EncryptionCertificateThumbprints { get; set; } = [];
}

/// <summary>One key file: a PEM private key or certificate, or a PFX with its password.</summary>
public sealed class KeyFileOptions
{
    [Required]
    public string Path { get; set; } = "";

    public string? Password { get; set; }
}
