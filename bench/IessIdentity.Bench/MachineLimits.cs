using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Iess.Identity.Accounts;
using Iess.Identity.Captcha;
using Microsoft.Extensions.Options;

namespace Iess.Identity.Bench;

/// <summary>
/// What this machine can do at most, measured in-process on every core with the server stopped: Argon2id hashes at
/// the configured cost (the server's own hasher), RS256 signatures with RSA 2048 (identity tokens), ES256 signatures
/// with P-256 (every other token), and CAPTCHA solves by the driver.
/// </summary>
public sealed class MachineLimits
{
    public int Cores { get; init; }

    public double Argon2idPerSecond { get; init; }

    public int Argon2MemoryKiB { get; init; }

    public int Argon2Iterations { get; init; }

    public double Rs256PerSecond { get; init; }

    public double CaptchaSolvesPerSecond { get; init; }

    /// <summary>ECDSA P-256 (ES256) signatures/s: access, code and refresh tokens.</summary>
    public double Es256PerSecond { get; init; }

    public static MachineLimits Measure(TimeSpan each)
    {
        var accounts = new AccountsOptions();
        var hasher = new Argon2idPasswordHasher(Options.Create(accounts));
        var argon2 = OnAllCores(each, () => () => hasher.HashPassword(new IessUser(), "Bench-limit-password-2026"));

        var rs256 = OnAllCores(each, () =>
        {
            var rsa = RSA.Create(2048);
            var data = RandomNumberGenerator.GetBytes(600);
            return () => rsa.SignData(data, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        });

        var es256 = OnAllCores(each, () =>
        {
            var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var data = RandomNumberGenerator.GetBytes(600);
            return () => ecdsa.SignData(data, HashAlgorithmName.SHA256);
        });

        var difficulty = new CaptchaOptions().Difficulty;
        var captcha = OnAllCores(each, () => () =>
        {
            var salt = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12)) + "?expires=9999999999";
            var number = RandomNumberGenerator.GetInt32(0, difficulty + 1);
            var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(salt + number.ToString(CultureInfo.InvariantCulture))));
            ProofOfWorkCaptcha.Solve(new ProofOfWorkCaptcha.Challenge("SHA-256", hash, difficulty, salt, "00"));
        });

        return new MachineLimits
        {
            Cores = Environment.ProcessorCount,
            Argon2idPerSecond = argon2,
            Argon2MemoryKiB = accounts.Argon2MemoryKiB,
            Argon2Iterations = accounts.Argon2Iterations,
            Rs256PerSecond = rs256,
            CaptchaSolvesPerSecond = captcha,
            Es256PerSecond = es256,
        };
    }

    /// <summary>Runs one worker per core for <paramref name="duration"/>; operations per second over all of them.</summary>
    private static double OnAllCores(TimeSpan duration, Func<Action> createWorker)
    {
        var workers = Enumerable.Range(0, Environment.ProcessorCount).Select(_ => createWorker()).ToList();
        workers.ForEach(w => w());
        var counts = new long[workers.Count];
        var clock = Stopwatch.StartNew();
        var threads = workers.Select((work, i) => new Thread(() =>
        {
            while (clock.Elapsed < duration)
            {
                work();
                counts[i]++;
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        return counts.Sum() / clock.Elapsed.TotalSeconds;
    }
}
