using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using OpenIddict.Core;
using OpenIddict.EntityFrameworkCore.Models;

namespace Iess.Identity.Connect;

/// <summary>
/// OpenIddict's application manager with client secrets hashed by SHA-256 instead of PBKDF2: client secrets are
/// long random values (checked at registration), so a slow hash only costs CPU on every token request.
/// </summary>
public sealed class IessApplicationManager(
    IOpenIddictApplicationCache<OpenIddictEntityFrameworkCoreApplication> cache,
    ILogger<OpenIddictApplicationManager<OpenIddictEntityFrameworkCoreApplication>> logger,
    IOptionsMonitor<OpenIddictCoreOptions> options,
    IOpenIddictApplicationStore<OpenIddictEntityFrameworkCoreApplication> store)
    : OpenIddictApplicationManager<OpenIddictEntityFrameworkCoreApplication>(cache, logger, options, store)
{
    private const string Prefix = "sha256:";

    /// <summary>Shortest client secret accepted: 32 characters of a random secret carry well over 128 bits.</summary>
    public const int MinimumSecretLength = 32;

    protected override ValueTask<string> ObfuscateClientSecretAsync(string secret, CancellationToken cancellationToken = default)
    {
        if (secret.Length < MinimumSecretLength)
        {
            throw new ArgumentException($"A client secret must be at least {MinimumSecretLength} characters of random text.", nameof(secret));
        }

        return ValueTask.FromResult(Prefix + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(secret))));
    }

    protected override ValueTask<bool> ValidateClientSecretAsync(string secret, string comparand, CancellationToken cancellationToken = default)
    {
        if (!comparand.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return base.ValidateClientSecretAsync(secret, comparand, cancellationToken);
        }

        var expected = Convert.FromHexString(comparand.AsSpan(Prefix.Length));
        var actual = SHA256.HashData(Encoding.UTF8.GetBytes(secret));
        return ValueTask.FromResult(CryptographicOperations.FixedTimeEquals(expected, actual));
    }
}
