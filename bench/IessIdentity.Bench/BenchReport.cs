using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Iess.Identity.Bench;

/// <summary>One run's figures, machine and conditions; written as results.json and results.md.</summary>
public sealed class BenchReport
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    public DateTimeOffset StartedAt { get; init; }

    public required string Machine { get; init; }

    public required string Database { get; init; }

    public int Users { get; init; }

    public int DurationSeconds { get; init; }

    public int WarmupSeconds { get; init; }

    public string? LoadAverageBefore { get; init; }

    public string? LoadAverageAfter { get; set; }

    public MachineLimits? Limits { get; init; }

    public List<ScenarioResult> Scenarios { get; } = [];

    /// <summary>Registry import and pruning figures, one line each.</summary>
    public List<string> Notes { get; } = [];

    public long ServerPeakResidentBytes => Scenarios.Count == 0 ? 0 : Scenarios.Max(s => s.ServerPeakResidentBytes);

    public static string DescribeMachine()
    {
        var cpu = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim()
            : null;
        var memory = File.Exists("/proc/meminfo")
            ? File.ReadLines("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemTotal:", StringComparison.Ordinal))?.Split(':', 2)[1].Trim()
            : null;
        return $"{Environment.ProcessorCount} cores ({cpu ?? "unknown CPU"}), {memory ?? "unknown"} RAM, {Environment.OSVersion}, .NET {Environment.Version}";
    }

    public static string? LoadAverage() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : null;

    public string ToMarkdown()
    {
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"Run {StartedAt:yyyy-MM-dd HH:mm} UTC — {Database}, {Users} virtual users, {DurationSeconds} s per scenario after {WarmupSeconds} s warm-up.");
        md.AppendLine(CultureInfo.InvariantCulture, $"Machine: {Machine}. Load average before: {LoadAverageBefore}; after: {LoadAverageAfter}.");
        md.AppendLine();
        md.AppendLine("| scenario | ops/s | p50 ms | p99 ms | errors | server CPU | server peak RSS | lowest RSS, start → end of window | limit | ratio to limit |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---|---:|");
        foreach (var s in Scenarios)
        {
            md.AppendLine(CultureInfo.InvariantCulture,
                $"| {s.Name}{(s.Label is null ? "" : $" ({s.Label})")} | {s.PerSecond:N0} | {s.P50Ms:N1} | {s.P99Ms:N1} | {s.Errors} | {s.ServerCpuPercent:N0} % | {s.ServerPeakResidentBytes / 1048576.0:N0} MB | {s.ResidentAtStartBytes / 1048576.0:N0} → {s.ResidentAtEndBytes / 1048576.0:N0} MB ({s.ResidentGrowthPercent:+0.0;-0.0;0.0} %) | {s.Limit ?? "—"} | {(s.RatioToLimit is { } r ? r.ToString("P0", CultureInfo.InvariantCulture) : "—")} |");
        }

        if (Limits is { } limits)
        {
            md.AppendLine();
            md.AppendLine(CultureInfo.InvariantCulture,
                $"Limits on this machine ({limits.Cores} cores, all busy, server stopped): Argon2id m={limits.Argon2MemoryKiB} KiB t={limits.Argon2Iterations} p=1: **{limits.Argon2idPerSecond:N1} hashes/s**; RSA-2048 RS256: **{limits.Rs256PerSecond:N0} signatures/s** (identity tokens); ECDSA P-256 ES256: **{limits.Es256PerSecond:N0} signatures/s** (access, code and refresh tokens); CAPTCHA proof of work (difficulty default): **{limits.CaptchaSolvesPerSecond:N0} solves/s**.");
        }

        foreach (var note in Notes)
        {
            md.AppendLine();
            md.AppendLine(note);
        }

        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"Server peak resident memory over the run: {ServerPeakResidentBytes / 1048576.0:N0} MB.");
        var samples = Scenarios.SelectMany(s => s.ErrorSamples).ToList();
        if (samples.Count > 0)
        {
            md.AppendLine();
            md.AppendLine("Errors (first of each scenario):");
            foreach (var sample in samples)
            {
                md.AppendLine("- " + sample);
            }
        }

        md.AppendLine();
        md.AppendLine("What one operation is:");
        foreach (var s in Scenarios)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"- {s.Name}: {s.Operation}");
        }

        return md.ToString();
    }

    public async Task WriteAsync(string folder)
    {
        Directory.CreateDirectory(folder);
        await File.WriteAllTextAsync(Path.Combine(folder, "results.json"), JsonSerializer.Serialize(this, Json));
        await File.WriteAllTextAsync(Path.Combine(folder, "results.md"), ToMarkdown());
    }
}
