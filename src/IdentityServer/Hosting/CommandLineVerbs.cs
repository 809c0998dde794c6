using Iess.Identity.Accounts;
using Iess.Identity.Employers;

namespace Iess.Identity.Hosting;

/// <summary>Operator commands run instead of the server: <c>migrate</c>, <c>import-affiliates FILE.csv</c>, <c>import-employers FILE.csv</c>, <c>audit verify</c>.</summary>
public static class CommandLineVerbs
{
    private static readonly string[] Verbs = ["migrate", "import-affiliates", "import-employers", "audit"];

    /// <summary>Separates a leading verb and its arguments from the host's own arguments.</summary>
    public static (string? Verb, string[] VerbArgs, string[] HostArgs) Split(string[] args)
    {
        if (args.Length > 0 && Verbs.Contains(args[0]))
        {
            var verbArgs = args.Skip(1).TakeWhile(a => !a.StartsWith("--", StringComparison.Ordinal)).ToArray();
            return (args[0], verbArgs, args.Skip(1 + verbArgs.Length).ToArray());
        }

        return (null, [], args);
    }

    public static async Task<int> RunAsync(WebApplication app, string verb, string[] args)
    {
        using var scope = app.Services.CreateScope();
        var services = scope.ServiceProvider;
        switch (verb)
        {
            case "migrate":
                await services.GetRequiredService<StartupTasks>().MigrateAsync(CancellationToken.None);
                Console.WriteLine("Migraciones aplicadas. / Migrations applied.");
                return 0;
            case "import-affiliates" when args.Length == 1:
                var report = await ActivatorUtilities.CreateInstance<AffiliateImporter>(services).ImportAsync(args[0], CancellationToken.None);
                foreach (var line in report.Lines)
                {
                    Console.WriteLine(line);
                }

                return report.Succeeded ? 0 : 1;
            case "import-employers" when args.Length == 1:
                var employers = await ActivatorUtilities.CreateInstance<EmployerImporter>(services).ImportAsync(args[0], CancellationToken.None);
                foreach (var line in employers.Lines)
                {
                    Console.WriteLine(line);
                }

                return employers.Succeeded ? 0 : 1;
            case "audit" when args is ["verify"]:
                var log = services.GetRequiredService<Audit.AuditLog>();
                var (broken, count) = await log.VerifyAsync(CancellationToken.None);
                if (broken is { } sequence)
                {
                    Console.WriteLine($"Cadena de auditoría rota en la secuencia {sequence}. / Audit chain broken at sequence {sequence}.");
                    return 1;
                }

                Console.WriteLine($"Cadena de auditoría íntegra: {count} eventos. / Audit chain intact: {count} events.");
                return 0;
            default:
                Console.Error.WriteLine("Uso / usage: migrate | import-affiliates FILE.csv | import-employers FILE.csv | audit verify");
                return 2;
        }
    }
}
