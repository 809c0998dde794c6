using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Iess.Identity.Data;
using Iess.Identity.Recovery;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Iess.Identity.Captcha;

/// <summary>
/// Self-hosted proof-of-work CAPTCHA in ALTCHA's format: the server issues an HMAC-signed challenge
/// (SHA-256 of salt + secret number); the browser finds the number and posts it back. Challenges expire and each
/// can be redeemed once (the redemption is recorded in the database, so this holds across nodes).
/// </summary>
public sealed class ProofOfWorkCaptcha(ServerSecrets secrets, IOptions<CaptchaOptions> options, TimeProvider time, IServiceScopeFactory scopes)
    : ICaptchaVerifier
{
    private const string SecretName = "captcha-hmac";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public string FieldName => "altcha";

    /// <summary>A new challenge, as the widget fetches it from /captcha/challenge.</summary>
    public async Task<Challenge> CreateAsync()
    {
        var expires = time.GetUtcNow().Add(options.Value.ChallengeLifetime).ToUnixTimeSeconds();
        var salt = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12)) + "?expires=" + expires.ToString(CultureInfo.InvariantCulture);
        var number = RandomNumberGenerator.GetInt32(0, options.Value.Difficulty + 1);
        var challenge = Sha256Hex(salt + number.ToString(CultureInfo.InvariantCulture));
        var signature = Convert.ToHexStringLower(HMACSHA256.HashData(await secrets.GetAsync(SecretName), Encoding.UTF8.GetBytes(challenge)));
        return new Challenge("SHA-256", challenge, options.Value.Difficulty, salt, signature);
    }

    public async Task<bool> VerifyAsync(string? response, string? remoteIp, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(response) || response.Length > 2000)
        {
            return false;
        }

        Solution? solution;
        try
        {
            solution = JsonSerializer.Deserialize<Solution>(Convert.FromBase64String(response), Json);
        }
        catch (Exception exception) when (exception is FormatException or JsonException)
        {
            return false;
        }

        if (solution is null || solution.Algorithm != "SHA-256" || solution.Salt is null || solution.Challenge is null || solution.Signature is null ||
            solution.Number < 0)
        {
            return false;
        }

        var expected = HMACSHA256.HashData(await secrets.GetAsync(SecretName), Encoding.UTF8.GetBytes(solution.Challenge));
        byte[] presented;
        try
        {
            presented = Convert.FromHexString(solution.Signature);
        }
        catch (FormatException)
        {
            return false;
        }

        if (!CryptographicOperations.FixedTimeEquals(expected, presented) ||
            Sha256Hex(solution.Salt + solution.Number.ToString(CultureInfo.InvariantCulture)) != solution.Challenge ||
            ExpiresAt(solution.Salt) is not { } expires || expires < time.GetUtcNow())
        {
            return false;
        }

        // Single use: the first redemption inserts the challenge; a replay hits the primary key.
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<IessDbContext>();
        db.CaptchaRedemptions.Add(new CaptchaRedemption { Challenge = solution.Challenge, ExpiresAt = expires });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            return false;
        }

        await db.CaptchaRedemptions.Where(r => r.ExpiresAt < time.GetUtcNow()).ExecuteDeleteAsync(cancellationToken);
        return true;
    }

    /// <summary>Solves a challenge the way the browser widget does (for the load driver and tests).</summary>
    public static string Solve(Challenge challenge)
    {
        for (var number = 0; number <= challenge.MaxNumber; number++)
        {
            if (Sha256Hex(challenge.Salt + number.ToString(CultureInfo.InvariantCulture)) == challenge.ChallengeHash)
            {
                var payload = new Solution(challenge.Algorithm, challenge.ChallengeHash, number, challenge.Salt, challenge.Signature);
                return Convert.ToBase64String(JsonSerializer.SerializeToUtf8Bytes(payload, Json));
            }
        }

        throw new InvalidOperationException("The challenge has no solution.");
    }

    private static DateTimeOffset? ExpiresAt(string salt)
    {
        var index = salt.IndexOf("?expires=", StringComparison.Ordinal);
        return index >= 0 && long.TryParse(salt.AsSpan(index + 9), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : null;
    }

    private static string Sha256Hex(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    /// <summary>The challenge as ALTCHA's widget expects it.</summary>
    public sealed record Challenge(
        [property: JsonPropertyName("algorithm")] string Algorithm,
        [property: JsonPropertyName("challenge")] string ChallengeHash,
        [property: JsonPropertyName("maxnumber")] int MaxNumber,
        [property: JsonPropertyName("salt")] string Salt,
        [property: JsonPropertyName("signature")] string Signature);

    private sealed record Solution(
        [property: JsonPropertyName("algorithm")] string? Algorithm,
        [property: JsonPropertyName("challenge")] string? Challenge,
        [property: JsonPropertyName("number")] int Number,
        [property: JsonPropertyName("salt")] string? Salt,
        [property: JsonPropertyName("signature")] string? Signature);
}

/// <summary>A CAPTCHA challenge already redeemed; kept until it would have expired anyway.</summary>
public class CaptchaRedemption
{
    public string Challenge { get; set; } = "";

    public DateTimeOffset ExpiresAt { get; set; }
}
