using System.Text;

namespace Iess.Identity.Accounts;

/// <summary>Shared text rules for cédula and RUC input: the separators people type, digits, province codes.</summary>
internal static class IdentifierText
{
    /// <summary>Strips spaces, hyphens and dots; returns null for empty or over-long input.</summary>
    public static string? Compact(string? input)
    {
        if (string.IsNullOrWhiteSpace(input) || input.Length > 40)
        {
            return null;
        }

        var builder = new StringBuilder(input.Length);
        foreach (var c in input)
        {
            if (c is ' ' or '-' or '.' or '\t' or '\u00A0')
            {
                continue;
            }

            builder.Append(c);
        }

        return builder.Length == 0 ? null : builder.ToString();
    }

    public static bool AllDigits(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }
        }

        return true;
    }

    public static bool HasValidProvince(ReadOnlySpan<char> number)
    {
        var province = ((number[0] - '0') * 10) + (number[1] - '0');
        return province is (>= 1 and <= 24) or 30 or 50;
    }
}
