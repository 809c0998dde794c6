using System.Text;

namespace Iess.Identity.Accounts;

/// <summary>Puts passwords into one Unicode form so the same typed password always hashes the same.</summary>
public static class PasswordText
{
    public static string Normalize(string password) =>
        password.IsNormalized(NormalizationForm.FormKC) ? password : password.Normalize(NormalizationForm.FormKC);
}
