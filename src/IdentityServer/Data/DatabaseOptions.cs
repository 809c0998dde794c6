namespace Iess.Identity.Data;

/// <summary>Which database engine holds the data.</summary>
public enum DatabaseProvider
{
    Sqlite,
    SqlServer,
    PostgreSql,
}

/// <summary>Database settings, bound from <c>Iess:Database</c>.</summary>
public sealed class DatabaseOptions
{
    public const string Section = "Iess:Database";

    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>The connection string; for SQLite, empty means <c>App_Data/iess.db</c> under the content root.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Apply pending migrations at start. Defaults to on in Development only; production runs the <c>migrate</c> verb.</summary>
    public bool? MigrateOnStart { get; set; }
}
