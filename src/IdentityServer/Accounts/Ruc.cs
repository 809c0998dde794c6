using System.Diagnostics.CodeAnalysis;

namespace Iess.Identity.Accounts;

/// <summary>The kind of taxpayer a RUC belongs to, read from its third digit and check rule.</summary>
public enum RucKind
{
    NaturalPerson = 1,
    PrivateCompany = 2,
    PublicEntity = 3,
}

/// <summary>An Ecuadorian taxpayer number (RUC), always held in its compact 13-digit form.</summary>
public readonly record struct Ruc
{
    private static readonly int[] PrivateWeights = [4, 3, 2, 7, 6, 5, 4, 3, 2, 1];
    private static readonly int[] PublicWeights = [3, 2, 7, 6, 5, 4, 3, 2, 1];

    private Ruc(string value, RucKind kind)
    {
        Value = value;
        Kind = kind;
    }

    public string Value { get; }

    public RucKind Kind { get; }

    public override string ToString() => Value;

    public static bool TryParse([NotNullWhen(true)] string? input, out Ruc ruc)
    {
        ruc = default;
        var compact = IdentifierText.Compact(input);
        if (compact is null || Classify(compact) is not { } kind)
        {
            return false;
        }

        ruc = new Ruc(compact, kind);
        return true;
    }

    public static Ruc Parse(string input) =>
        TryParse(input, out var ruc) ? ruc : throw new FormatException("Not a valid RUC.");

    private static RucKind? Classify(string number)
    {
        if (number.Length != 13 || !IdentifierText.AllDigits(number) || !IdentifierText.HasValidProvince(number))
        {
            return null;
        }

        var span = number.AsSpan();
        switch (number[2])
        {
            case < '6':
                return span[10..] is not "000" && Cedula.IsValidCompact(span[..10]) ? RucKind.NaturalPerson : null;
            case '6':
                if (span[9..] is "0000")
                {
                    return null;
                }

                if (WeightedSum(span[..9], PublicWeights) % 11 == 0)
                {
                    return RucKind.PublicEntity;
                }

                return Cedula.IsValidCompact(span[..10]) ? RucKind.NaturalPerson : null;
            case '9':
                return span[10..] is not "000" && WeightedSum(span[..10], PrivateWeights) % 11 == 0
                    ? RucKind.PrivateCompany
                    : null;
            default:
                return null;
        }
    }

    private static int WeightedSum(ReadOnlySpan<char> digits, int[] weights)
    {
        var sum = 0;
        for (var i = 0; i < weights.Length; i++)
        {
            sum += (digits[i] - '0') * weights[i];
        }

        return sum;
    }
}
