using System.Net.Mail;
using PhoneNumbers;

namespace Iess.Identity.Accounts;

/// <summary>Validation and canonical forms of the contact data on an account: email addresses and phone numbers.</summary>
public static class ContactData
{
    private static readonly PhoneNumberUtil Phones = PhoneNumberUtil.GetInstance();

    /// <summary>An Ecuadorian number as typed locally (099 123 4567) or any international number, in E.164 form.</summary>
    public static bool TryNormalizePhone(string? input, out string e164)
    {
        e164 = "";
        if (string.IsNullOrWhiteSpace(input) || input.Length > 32)
        {
            return false;
        }

        try
        {
            var number = Phones.Parse(input, "EC");
            if (!Phones.IsValidNumber(number))
            {
                return false;
            }

            e164 = Phones.Format(number, PhoneNumberFormat.E164);
            return true;
        }
        catch (NumberParseException)
        {
            return false;
        }
    }

    /// <summary>A single plain address (no display name), lower-cased, with a dotted domain.</summary>
    public static bool TryNormalizeEmail(string? input, out string email)
    {
        email = "";
        var trimmed = input?.Trim();
        if (string.IsNullOrEmpty(trimmed) || trimmed.Length > 254 || !MailAddress.TryCreate(trimmed, out var address) ||
            address.Address != trimmed || !address.Host.Contains('.', StringComparison.Ordinal) || address.Host.EndsWith('.'))
        {
            return false;
        }

        email = address.Address.ToLowerInvariant();
        return true;
    }
}
