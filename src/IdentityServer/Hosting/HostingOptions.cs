namespace Iess.Identity.Hosting;

/// <summary>Process-level settings (cookies, logs, proxies), bound from <c>Iess:Hosting</c>.</summary>
public sealed class HostingOptions
{
    public const string Section = "Iess:Hosting";

    /// <summary>Mark cookies Secure. Defaults to on outside Development.</summary>
    public bool SecureCookies { get; set; } = true;

    /// <summary>Write logs as one JSON object per line (for log collectors).</summary>
    public bool JsonLogs { get; set; }

    /// <summary>Addresses of reverse proxies whose X-Forwarded-* headers are trusted; none by default.</summary>
    public List<string> TrustedProxies { get; set; } = [];

    /// <summary>Seed demo accounts and clients at start (Development only).</summary>
    public bool SeedDemoData { get; set; } = true;

    /// <summary>How often counters of ended windows are deleted from the database (not used with Redis).</summary>
    public TimeSpan RateCounterPruneInterval { get; set; } = TimeSpan.FromMinutes(10);
}
