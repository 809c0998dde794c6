using Iess.Identity.Accounts;
using Iess.Identity.Data;
using Microsoft.AspNetCore.Identity;

namespace Iess.Identity.Employers;

/// <summary>
/// Loads registry rows (<c>ruc,branch,business_name,legal_rep_cedula,legal_rep_name,email</c>) as employer branch
/// accounts without a password; they use "Generar clave empleador", whose code goes to the email given here. Every row
/// is checked first: one bad row and nothing is written.
/// </summary>
public sealed class EmployerImporter(IessDbContext db, ILookupNormalizer normalizer, TimeProvider time)
{
    public const string Header = "ruc,branch,business_name,legal_rep_cedula,legal_rep_name,email";
    public Task<ImportReport> ImportAsync(string path, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        return RegistryImport.RunAsync(db, path, new RegistryFormat(
            Header,
            (line, lineNumber, errors) => ParseRow(line, lineNumber, errors, now),
            (lineNumber, row) => $"línea {lineNumber}: RUC y sucursal repetidos en el archivo / duplicated RUC and branch {row.IessId} {row.Branch}",
            row => $"RUC {row.IessId} sucursal {row.Branch}: ya tiene cuenta / already has an account",
            count => $"{count} sucursales de empleadores importadas. / {count} employer branches imported."), cancellationToken);
    }

    private IessUser? ParseRow(string line, int lineNumber, List<string> errors, DateTimeOffset now)
    {
        var fields = line.Split(',');
        if (fields.Length != 6)
        {
            errors.Add($"línea {lineNumber}: se esperaban 6 columnas, hay {fields.Length} / expected 6 columns");
            return null;
        }

        var problems = new List<string>();
        if (!Ruc.TryParse(fields[0], out var ruc))
        {
            problems.Add("RUC no válido / invalid RUC");
        }

        var branch = AccountDirectory.NormalizeBranch(fields[1]);
        if (branch is null)
        {
            problems.Add("sucursal no válida (hasta 4 dígitos) / invalid branch (up to 4 digits)");
        }

        var businessName = fields[2].Trim();
        if (businessName.Length is 0 or > 200)
        {
            problems.Add("razón social vacía o demasiado larga / business name empty or too long");
        }

        if (!Cedula.TryParse(fields[3], out var representative))
        {
            problems.Add("cédula del representante legal no válida / invalid legal representative cédula");
        }

        var representativeName = fields[4].Trim();
        if (representativeName.Length is 0 or > 200)
        {
            problems.Add("nombre del representante legal vacío o demasiado largo / legal representative name empty or too long");
        }

        // The email is required: Generar clave empleador sends its code there and nowhere else.
        if (!ContactData.TryNormalizeEmail(fields[5], out var email))
        {
            problems.Add("correo no válido o vacío / invalid or missing email");
        }

        if (problems.Count > 0)
        {
            errors.Add($"línea {lineNumber}: {string.Join("; ", problems)}");
            return null;
        }

        var userName = IessUser.AccountKey(AccountType.Employer, ruc.Value, branch);
        return new IessUser
        {
            Id = Guid.NewGuid().ToString(),
            UserName = userName,
            NormalizedUserName = normalizer.NormalizeName(userName),
            AccountType = AccountType.Employer,
            IessId = ruc.Value,
            Branch = branch,
            BusinessName = businessName,
            LegalRepresentativeCedula = representative.Value,
            LegalRepresentativeName = representativeName,
            Email = email,
            NormalizedEmail = normalizer.NormalizeEmail(email),
            LockoutEnabled = true,
            SecurityStamp = Guid.NewGuid().ToString("N"),
            ConcurrencyStamp = Guid.NewGuid().ToString(),
            CreatedAt = now,
        };
    }
}
