namespace Iess.Identity.Recovery;

/// <summary>Shows enough of an address for the person to recognise it and no more: j***@g***.com, *** *** 1234.</summary>
public static class Masking
{
    public static string Email(string email)
    {
        var at = email.IndexOf('@', StringComparison.Ordinal);
        if (at <= 0)
        {
            return "***";
        }

        var domain = email[(at + 1)..];
        var dot = domain.LastIndexOf('.');
        var host = dot > 0 ? domain[..dot] : domain;
        var tld = dot > 0 ? domain[dot..] : "";
        return $"{email[0]}***@{(host.Length > 0 ? host[0] : '*')}***{tld}";
    }

    public static string Phone(string phone) => phone.Length <= 4 ? "***" : "*** *** " + phone[^4..];
}
