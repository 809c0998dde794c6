using System.ComponentModel.DataAnnotations;

namespace Iess.Admin.Hosting;

/// <summary>How the console signs officers in through IdentityServer, bound from <c>Iess:Admin</c>.</summary>
public sealed class AdminOptions
{
    public const string Section = "Iess:Admin";

    /// <summary>The IdentityServer's base address (its issuer).</summary>
    [Required]
    public Uri Authority { get; set; } = new("http://localhost:5000/");

    [Required]
    public string ClientId { get; set; } = "iess-admin";

    /// <summary>The console's client secret, delivered out of band; at least 32 characters.</summary>
    [Required]
    [MinLength(32)]
    public string ClientSecret { get; set; } = "";

    /// <summary>Fetch the authority's metadata only over HTTPS. Defaults to on outside Development.</summary>
    public bool? RequireHttpsMetadata { get; set; }

    /// <summary>Mark cookies Secure. Defaults to on outside Development.</summary>
    public bool? SecureCookies { get; set; }
}
