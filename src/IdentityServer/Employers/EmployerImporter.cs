using Iess.Identity.Accounts;
using Iess.Identity.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Iess.Identity.Employers;

/// <summary>
/// Loads registry rows (<c>ruc,branch,business_name,legal_rep_cedula,legal_rep_name,email</c>) as employer branch
/// accounts without a password; they use "Generar clave empleador", whose code goes to the email given here. Every row
/// is checked first: one bad row and nothing is written.
/// </summary>
public sealed class EmployerImporter(IessDbContext db, ILookupNormalizer normalizer, TimeProvider time)
{
    public const string Header = "ruc,branch,business_name,legal_rep_cedula,legal_rep_name,email";
    private const int BatchSize = 2000;

    public sealed record Report(bool Succeeded, IReadOnlyList<string> Lines);

    public async Task<Report> ImportAsync(string path, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            return new Report(false, [$"No existe el archivo / file not found: {path}"]);
        }

        var errors = new List<string>();
        var rows = new List<IessUser>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var lineNumber = 0;
        var now = time.GetUtcNow();
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (lineNumber == 1)
            {
                if (!string.Equals(line.Trim().TrimStart('\uFEFF'), Header, StringComparison.OrdinalIgnoreCase))
                {
                    return new Report(false, [$"línea 1: la cabecera debe ser / the header must be: {Header}"]);
                }

                continue;
            }

            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            var row = ParseRow(line, lineNumber, errors, now);
            if (row is not null && !seen.Add(row.UserName!))
            {
                errors.Add($"línea {lineNumber}: RUC y sucursal repetidos en el archivo / duplicated RUC and branch {row.IessId} {row.Branch}");
            }
            else if (row is not null)
            {
                rows.Add(row);
            }
        }

        var existing = new HashSet<string>(StringComparer.Ordinal);
        foreach (var chunk in rows.Select(r => r.UserName!).Chunk(BatchSize))
        {
            existing.UnionWith(await db.Users.AsNoTracking().Where(u => chunk.Contains(u.UserName!)).Select(u => u.UserName!).ToListAsync(cancellationToken));
        }

        foreach (var row in rows.Where(r => existing.Contains(r.UserName!)))
        {
            errors.Add($"RUC {row.IessId} sucursal {row.Branch}: ya tiene cuenta / already has an account");
        }

        if (errors.Count > 0)
        {
            return new Report(false, [.. errors, $"Nada fue importado ({errors.Count} errores). / Nothing was imported ({errors.Count} errors)."]);
        }

        db.ChangeTracker.AutoDetectChangesEnabled = false;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        foreach (var chunk in rows.Chunk(BatchSize))
        {
            db.Users.AddRange(chunk);
            await db.SaveChangesAsync(cancellationToken);
            db.ChangeTracker.Clear();
        }

        await transaction.CommitAsync(cancellationToken);
        return new Report(true, [$"{rows.Count} sucursales de empleadores importadas. / {rows.Count} employer branches imported."]);
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
