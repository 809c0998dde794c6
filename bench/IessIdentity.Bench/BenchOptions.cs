using System.Globalization;

namespace Iess.Identity.Bench;

/// <summary>The driver's command line: how long, how many virtual users, which scenarios, which database, where to write.</summary>
public sealed class BenchOptions
{
    public static readonly string[] AllScenarios = ["discovery", "client_credentials", "refresh_token", "signin", "recovery"];

    public int DurationSeconds { get; private set; } = 20;

    /// <summary>
    /// 30 s: the server's tiered JIT keeps recompiling hot methods for the first half-minute of a scenario (29 % of the
    /// server's CPU went to the tier-1 compiler between 14 and 29 s into sign-ins); the figures are for a warm server.
    /// </summary>
    public int WarmupSeconds { get; private set; } = 30;

    public int Users { get; private set; } = 16;

    public IReadOnlyList<string> Scenarios { get; private set; } = AllScenarios;

    /// <summary>A PostgreSQL connection string to an existing server; the driver creates and drops its own database there.</summary>
    public string? Postgres { get; private set; }

    public string OutputFolder { get; private set; } = "artifacts/bench";

    /// <summary>The server's build output (Iess.IdentityServer.dll).</summary>
    public string? ServerDll { get; private set; }

    public bool SkipLimits { get; private set; }

    /// <summary>With a value: run the scenarios on 1,000 imported affiliates, then again on this many (import timed).</summary>
    public int? Registry { get; private set; }

    /// <summary>With a value: seed this many expired tokens and run sign-ins while the server prunes them.</summary>
    public int? PruneTokens { get; private set; }

    /// <summary>How long the sign-in scenario runs while pruning (it should outlast the pruning).</summary>
    public int PruneSeconds { get; private set; } = 120;

    /// <summary>Exit non-zero when any operation failed (the CI smoke: a smoke that ignores errors proves nothing).</summary>
    public bool FailOnErrors { get; private set; }

    public static string Usage =>
        """
        IessIdentity.Bench — load driver for IESS Identity
          --duration N       seconds per scenario (default 20)
          --warmup N         seconds of unmeasured load before each scenario (default 30)
          --users N          concurrent virtual users (default 16)
          --scenarios a,b    any of discovery, client_credentials, refresh_token, signin, recovery (default all)
          --postgres CONN    run against PostgreSQL (a fresh database is created on that server and dropped after)
          --out FOLDER       where results.json and results.md go (default artifacts/bench)
          --server-dll PATH  the built server (default src/IdentityServer/bin/Release/net10.0/Iess.IdentityServer.dll)
          --registry N       import 1,000 affiliates, run the scenarios; then import N (timed) and run them again
          --prune N          seed N expired tokens, then run sign-ins while the server prunes them (p99 during pruning)
          --prune-seconds N  how long sign-ins are measured while pruning (default 120; pruning starts 15 s in)
          --skip-limits      do not measure the Argon2id / RS256 / ES256 limits
          --fail-on-errors   exit with 1 when any operation failed (for the CI smoke)
        """;

    public static BenchOptions Parse(string[] args)
    {
        var options = new BenchOptions();
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            int NextInt(int min)
            {
                var name = args[i];
                var value = int.Parse(Next(), NumberStyles.None, CultureInfo.InvariantCulture);
                return value >= min ? value : throw new ArgumentException($"{name} must be at least {min}.");
            }

            switch (args[i])
            {
                case "--duration":
                    options.DurationSeconds = NextInt(1);
                    break;
                case "--warmup":
                    options.WarmupSeconds = NextInt(0);
                    break;
                case "--users":
                    options.Users = NextInt(1);
                    break;
                case "--scenarios":
                    var chosen = Next().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                    var unknown = chosen.Except(AllScenarios).ToList();
                    if (unknown.Count > 0)
                    {
                        throw new ArgumentException($"Unknown scenario(s): {string.Join(", ", unknown)}.");
                    }

                    options.Scenarios = chosen;
                    break;
                case "--postgres":
                    options.Postgres = Next();
                    break;
                case "--out":
                    options.OutputFolder = Next();
                    break;
                case "--server-dll":
                    options.ServerDll = Next();
                    break;
                case "--registry":
                    options.Registry = NextInt(1000);
                    break;
                case "--prune":
                    options.PruneTokens = NextInt(1);
                    break;
                case "--prune-seconds":
                    options.PruneSeconds = NextInt(5);
                    break;
                case "--skip-limits":
                    options.SkipLimits = true;
                    break;
                case "--fail-on-errors":
                    options.FailOnErrors = true;
                    break;
                default:
                    throw new ArgumentException($"Unknown option {args[i]}.");
            }
        }

        return options;
    }
}
