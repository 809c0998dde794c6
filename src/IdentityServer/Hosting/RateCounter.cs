namespace Iess.Identity.Hosting;

/// <summary>
/// One fixed-window counter shared by every node (e.g. failed sign-ins from one address this window).
/// The key names what is counted and the window; the row disappears after <see cref="ExpiresAt"/>.
/// </summary>
public class RateCounter
{
    public string Key { get; set; } = "";

    public int Count { get; set; }

    public DateTimeOffset ExpiresAt { get; set; }
}
