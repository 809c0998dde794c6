using System.Diagnostics.CodeAnalysis;

namespace Iess.Identity.Accounts;

/// <summary>An Ecuadorian national identity number (cédula), always held in its compact 10-digit form.</summary>
public readonly record struct Cedula
{
    private Cedula(string value) => Value = value;

    public string Value { get; }

    public override string ToString() => Value;

    public static bool TryParse([NotNullWhen(true)] string? input, out Cedula cedula)
    {
        cedula = default;
        var compact = IdentifierText.Compact(input);
        if (compact is null || !IsValidCompact(compact))
        {
            return false;
        }

        cedula = new Cedula(compact);
        return true;
    }

    public static Cedula Parse(string input) =>
        TryParse(input, out var cedula) ? cedula : throw new FormatException("Not a valid cédula.");

    internal static bool IsValidCompact(ReadOnlySpan<char> number)
    {
        if (number.Length != 10 || !IdentifierText.AllDigits(number) || !IdentifierText.HasValidProvince(number))
        {
            return false;
        }

        if (number[2] > '6')
        {
            return false;
        }

        var sum = 0;
        for (var i = 0; i < 10; i++)
        {
            var product = (number[i] - '0') * (i % 2 == 0 ? 2 : 1);
            sum += product > 9 ? product - 9 : product;
        }

        return sum % 10 == 0;
    }
}
