using Iess.Identity.Accounts;
using Iess.Identity.Audit;
using Iess.Identity.Captcha;
using Iess.Identity.Messaging;
using Iess.Identity.Recovery;
using Iess.Identity.Hosting;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Iess.Identity.Data;

/// <summary>The one database context: Identity, OpenIddict, data-protection keys, password history and audit.</summary>
public abstract class IessDbContext(DbContextOptions options) : IdentityDbContext<IessUser>(options), IDataProtectionKeyContext
{
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    public DbSet<PasswordHistoryEntry> PasswordHistory => Set<PasswordHistoryEntry>();

    public DbSet<AuditEvent> AuditEvents => Set<AuditEvent>();

    public DbSet<OutboxMessage> OutboxMessages => Set<OutboxMessage>();

    public DbSet<AccountFlow> AccountFlows => Set<AccountFlow>();

    public DbSet<SecurityAnswer> SecurityAnswers => Set<SecurityAnswer>();

    public DbSet<ServerSecret> ServerSecrets => Set<ServerSecret>();

    public DbSet<CaptchaRedemption> CaptchaRedemptions => Set<CaptchaRedemption>();

    public DbSet<RateCounter> RateCounters => Set<RateCounter>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.UseOpenIddict();

        builder.Entity<IessUser>(user =>
        {
            user.Property(u => u.IessId).HasMaxLength(13).IsRequired();
            user.Property(u => u.Branch).HasMaxLength(4);
            user.Property(u => u.GivenNames).HasMaxLength(100);
            user.Property(u => u.FamilyNames).HasMaxLength(100);
            user.Property(u => u.BusinessName).HasMaxLength(200);
            user.Property(u => u.LegalRepresentativeCedula).HasMaxLength(10);
            user.Property(u => u.LegalRepresentativeName).HasMaxLength(200);
            user.Property(u => u.RecoveryLockReason).HasMaxLength(32);
            user.HasIndex(u => new { u.IessId, u.AccountType });
        });

        builder.Entity<PasswordHistoryEntry>(entry =>
        {
            entry.ToTable("PasswordHistory");
            entry.Property(e => e.UserId).HasMaxLength(450).IsRequired();
            entry.Property(e => e.PasswordHash).HasMaxLength(200).IsRequired();
            entry.HasIndex(e => new { e.UserId, e.ChangedAt });
            entry.HasOne<IessUser>().WithMany().HasForeignKey(e => e.UserId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<OutboxMessage>(message =>
        {
            message.ToTable("OutboxMessages");
            message.Property(m => m.Purpose).HasMaxLength(64).IsRequired();
            message.Property(m => m.Recipient).HasMaxLength(320).IsRequired();
            message.Property(m => m.Subject).HasMaxLength(300);
            message.Property(m => m.UserId).HasMaxLength(450);
            message.Property(m => m.ClaimedBy).HasMaxLength(200);
            message.Property(m => m.LastError).HasMaxLength(600);
            message.HasIndex(m => new { m.SentAt, m.NextAttemptAt });
            message.HasIndex(m => new { m.UserId, m.QueuedAt });
            message.HasIndex(m => m.FlowId);
        });

        builder.Entity<AccountFlow>(flow =>
        {
            flow.ToTable("AccountFlows");
            flow.Property(f => f.UserId).HasMaxLength(450);
            flow.Property(f => f.IdentifierHash).HasMaxLength(64).IsRequired();
            flow.Property(f => f.BindingHash).HasMaxLength(64).IsRequired();
            flow.Property(f => f.IpAddress).HasMaxLength(64);
            flow.Property(f => f.CodeHash).HasMaxLength(64);
            flow.Property(f => f.LinkHash).HasMaxLength(64);
            flow.Property(f => f.LockReason).HasMaxLength(32);
            flow.Property(f => f.PendingEmail).HasMaxLength(254);
            flow.Property(f => f.PendingPhone).HasMaxLength(32);
            flow.Property(f => f.Version).IsConcurrencyToken();
            flow.HasIndex(f => new { f.IdentifierHash, f.CreatedAt });
            flow.Property(f => f.GroupHash).HasMaxLength(64);
            flow.HasIndex(f => new { f.GroupHash, f.CreatedAt });
            flow.HasIndex(f => new { f.Kind, f.CreatedAt });
            flow.HasIndex(f => new { f.IpAddress, f.CreatedAt });
            flow.HasIndex(f => new { f.UserId, f.CreatedAt });
        });

        builder.Entity<SecurityAnswer>(answer =>
        {
            answer.ToTable("SecurityAnswers");
            answer.Property(a => a.UserId).HasMaxLength(450).IsRequired();
            answer.Property(a => a.AnswerHash).HasMaxLength(200).IsRequired();
            answer.HasIndex(a => new { a.UserId, a.QuestionId }).IsUnique();
            answer.HasOne<IessUser>().WithMany().HasForeignKey(a => a.UserId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<ServerSecret>(secret =>
        {
            secret.ToTable("ServerSecrets");
            secret.HasKey(s => s.Name);
            secret.Property(s => s.Name).HasMaxLength(64);
            secret.Property(s => s.Value).HasMaxLength(64).IsRequired();
        });

        builder.Entity<CaptchaRedemption>(redemption =>
        {
            redemption.ToTable("CaptchaRedemptions");
            redemption.HasKey(r => r.Challenge);
            redemption.Property(r => r.Challenge).HasMaxLength(64);
            redemption.HasIndex(r => r.ExpiresAt);
        });

        builder.Entity<RateCounter>(counter =>
        {
            counter.ToTable("RateCounters");
            counter.HasKey(c => c.Key);
            counter.Property(c => c.Key).HasMaxLength(200);
            counter.HasIndex(c => c.ExpiresAt);
        });

        builder.Entity<AuditEvent>(audit =>
        {
            audit.ToTable("AuditEvents");
            audit.Property(e => e.Type).HasMaxLength(64).IsRequired();
            audit.Property(e => e.Outcome).HasMaxLength(32).IsRequired();
            audit.Property(e => e.Subject).HasMaxLength(450);
            audit.Property(e => e.Actor).HasMaxLength(450);
            audit.Property(e => e.IpAddress).HasMaxLength(64);
            audit.Property(e => e.Detail).HasMaxLength(2000);
            audit.Property(e => e.PreviousHash).HasMaxLength(64).IsRequired();
            audit.Property(e => e.Hash).HasMaxLength(64).IsRequired();
            audit.HasIndex(e => e.Sequence).IsUnique();
            audit.HasIndex(e => new { e.Subject, e.OccurredAt });
            audit.HasIndex(e => new { e.Type, e.OccurredAt });
            audit.HasIndex(e => new { e.Actor, e.OccurredAt });
            audit.HasIndex(e => e.OccurredAt);
        });
    }
}

/// <summary>The context as SQLite sees it (its own migrations folder).</summary>
public sealed class SqliteIessDbContext(DbContextOptions<SqliteIessDbContext> options) : IessDbContext(options)
{
    /// <summary>SQLite cannot sort or compare DateTimeOffset text, so instants are stored as sortable integers.</summary>
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        base.ConfigureConventions(configurationBuilder);
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<DateTimeOffsetToBinaryConverter>();
    }
}

/// <summary>The context as SQL Server sees it (its own migrations folder).</summary>
public sealed class SqlServerIessDbContext(DbContextOptions<SqlServerIessDbContext> options) : IessDbContext(options);

/// <summary>The context as PostgreSQL sees it (its own migrations folder).</summary>
public sealed class PostgreSqlIessDbContext(DbContextOptions<PostgreSqlIessDbContext> options) : IessDbContext(options);
