/**
 * Routing rules per tenant in PostgreSQL: ordered, versioned, with every version kept. Each
 * change runs in one transaction that locks the tenant's set, validates the whole resulting set
 * and bumps the set's version, so two saves never both pass validation against a stale set.
 * @module
 */
import type { Sql, TransactionSql } from "postgres";
import { fail } from "@ticketd/shared/errors.ts";
import { parseRule, type Rule, type RuleBody } from "../domain/rules/rule_schema.ts";
import {
  type CustomFieldSchema,
  DEFAULT_RULE_LIMITS,
  type RuleLimits,
  validateRuleSet,
} from "../domain/rules/validate.ts";

export interface StoredRule extends Rule {
  version: number;
  position: number;
  /** ISO 8601 UTC. */
  createdAt: string;
  updatedAt: string;
}

export interface RuleSet {
  /** 0 until the tenant's first change. */
  version: number;
  rules: StoredRule[];
}

export interface RuleVersion {
  ruleId: string;
  version: number;
  change: "created" | "updated" | "deleted";
  body: RuleBody;
  setVersion: number;
  actorId: string;
  changedAt: string;
}

/** Who changes which tenant's rules, and the tenant's custom fields to validate against. */
export interface RuleChange {
  tenant: string;
  actorId: string;
  customFields: CustomFieldSchema;
}

export interface SavedRule {
  rule: StoredRule;
  setVersion: number;
}

export interface RulesStoreOptions {
  /** A new snowflake per rule. */
  nextId: () => string;
  limits?: RuleLimits;
}

// Single-word aliases survive any column transform (postgres.camel or none) unchanged.
type RuleRow = {
  id: string;
  position: number;
  version: number;
  body: string;
  createdat: Date;
  updatedat: Date;
};

/** The routing rules tables. */
export class RulesStore {
  private readonly limits: RuleLimits;

  constructor(private readonly sql: Sql, private readonly options: RulesStoreOptions) {
    this.limits = options.limits ?? DEFAULT_RULE_LIMITS;
  }

  /** The tenant's rules in order, with the set's version. */
  async list(tenant: string): Promise<RuleSet> {
    const [set] = await this.sql<{ version: string }[]>`
      select version from routing_rule_sets where tenant = ${tenant}`;
    return { version: Number(set?.version ?? 0), rules: await selectRules(this.sql, tenant) };
  }

  /** One rule, or null. */
  async get(tenant: string, id: string): Promise<StoredRule | null> {
    const rows = await this.sql<RuleRow[]>`
      select id, position, version, body::text as body, created_at as createdat,
        updated_at as updatedat
      from routing_rules where tenant = ${tenant} and id = ${id}`;
    return rows.length === 0 ? null : toRule(rows[0]);
  }

  /** Adds `body` as the last rule. */
  async create(change: RuleChange, body: RuleBody): Promise<SavedRule> {
    return await this.inSet(change, async (tx, rules) => {
      const id = this.options.nextId();
      const position = rules.reduce((max, r) => Math.max(max, r.position + 1), 0);
      this.validate([...rules, { ...body, id } as StoredRule], change);
      const setVersion = await bumpSet(tx, change.tenant);
      await tx`
        insert into routing_rules (tenant, id, position, version, body)
        values (${change.tenant}, ${id}, ${position}, 1, ${tx.json(body as never)})`;
      await record(tx, change, id, 1, "created", body, setVersion);
      return { rule: (await this.getIn(tx, change.tenant, id))!, setVersion };
    });
  }

  /** Replaces the body of rule `id`; 412 `version_conflict` unless it is at `expectedVersion`. */
  async update(
    change: RuleChange,
    id: string,
    body: RuleBody,
    expectedVersion: number,
  ): Promise<SavedRule> {
    return await this.inSet(change, async (tx, rules) => {
      const current = existing(rules, id, expectedVersion);
      this.validate(rules.map((r) => r.id === id ? { ...r, ...body } : r), change);
      const setVersion = await bumpSet(tx, change.tenant);
      const version = current.version + 1;
      await tx`
        update routing_rules set body = ${tx.json(body as never)}, version = ${version},
          updated_at = now()
        where tenant = ${change.tenant} and id = ${id}`;
      await record(tx, change, id, version, "updated", body, setVersion);
      return { rule: (await this.getIn(tx, change.tenant, id))!, setVersion };
    });
  }

  /**
   * Removes rule `id` (its history stays). Not validated: removing a rule cannot make a loop
   * or pass a limit, and a rule a custom-field change broke must stay removable.
   */
  async delete(
    change: Omit<RuleChange, "customFields">,
    id: string,
    expectedVersion?: number,
  ): Promise<{ setVersion: number }> {
    return await this.inSet(change, async (tx, rules) => {
      const current = existing(rules, id, expectedVersion);
      const setVersion = await bumpSet(tx, change.tenant);
      await tx`delete from routing_rules where tenant = ${change.tenant} and id = ${id}`;
      await record(tx, change, id, current.version + 1, "deleted", bodyOf(current), setVersion);
      return { setVersion };
    });
  }

  /** Puts the rules in the order of `ids`, which must name each rule once. */
  async reorder(change: RuleChange, ids: string[], expectedSetVersion?: number): Promise<RuleSet> {
    return await this.inSet(change, async (tx, rules, setVersion) => {
      if (expectedSetVersion !== undefined && expectedSetVersion !== setVersion) {
        fail(
          "version_conflict",
          `The rule set is at version ${setVersion}, not ${expectedSetVersion}`,
          412,
          {
            currentVersion: setVersion,
          },
        );
      }
      const known = new Set(rules.map((r) => r.id));
      const sameIds = ids.length === known.size && new Set(ids).size === ids.length &&
        ids.every((id) => known.has(id));
      if (!sameIds) {
        fail("invalid_order", "Name every rule of the set exactly once", 422, { ids: [...known] });
      }
      const byId = new Map(rules.map((r) => [r.id, r]));
      this.validate(ids.map((id) => byId.get(id)!), change);
      const version = await bumpSet(tx, change.tenant);
      for (const [position, id] of ids.entries()) {
        await tx`update routing_rules set position = ${position}
          where tenant = ${change.tenant} and id = ${id}`;
      }
      return { version, rules: await selectRules(tx, change.tenant) };
    });
  }

  /** Every version of rule `id`, oldest first; 404 `rule_not_found` if it never existed. */
  async history(tenant: string, id: string): Promise<RuleVersion[]> {
    const rows = await this.sql<
      {
        version: number;
        change: RuleVersion["change"];
        body: string;
        setversion: string;
        actorid: string;
        changedat: Date;
      }[]
    >`
      select version, change, body::text as body, set_version as setversion,
        actor_id as actorid, changed_at as changedat
      from routing_rule_history where tenant = ${tenant} and rule_id = ${id} order by version`;
    if (rows.length === 0) notFound(id);
    return rows.map((row) => ({
      ruleId: id,
      version: row.version,
      change: row.change,
      body: parseRule(JSON.parse(row.body)),
      setVersion: Number(row.setversion),
      actorId: row.actorid,
      changedAt: row.changedat.toISOString(),
    }));
  }

  private validate(rules: Rule[], change: RuleChange): void {
    validateRuleSet(rules, { customFields: change.customFields, limits: this.limits });
  }

  private async getIn(tx: TransactionSql, tenant: string, id: string): Promise<StoredRule | null> {
    return (await selectRules(tx, tenant)).find((r) => r.id === id) ?? null;
  }

  /** Runs `fn` with the tenant's set locked: its rules in order and its version. */
  private async inSet<T>(
    change: { tenant: string },
    fn: (tx: TransactionSql, rules: StoredRule[], setVersion: number) => Promise<T>,
  ): Promise<T> {
    return await this.sql.begin(async (tx) => {
      await tx`insert into routing_rule_sets (tenant) values (${change.tenant})
        on conflict (tenant) do nothing`;
      const [set] = await tx<{ version: string }[]>`
        select version from routing_rule_sets where tenant = ${change.tenant} for update`;
      return await fn(tx, await selectRules(tx, change.tenant), Number(set.version));
    }) as T;
  }
}

async function selectRules(sql: Sql | TransactionSql, tenant: string): Promise<StoredRule[]> {
  const rows = await sql<RuleRow[]>`
    select id, position, version, body::text as body, created_at as createdat,
      updated_at as updatedat
    from routing_rules where tenant = ${tenant} order by position`;
  return rows.map(toRule);
}

function toRule(row: RuleRow): StoredRule {
  return {
    ...parseRule(JSON.parse(row.body)),
    id: row.id,
    version: row.version,
    position: row.position,
    createdAt: row.createdat.toISOString(),
    updatedAt: row.updatedat.toISOString(),
  };
}

function bodyOf({ name, enabled, when, conditions, actions }: StoredRule): RuleBody {
  return { name, enabled, when, conditions, actions };
}

function existing(rules: StoredRule[], id: string, expectedVersion?: number): StoredRule {
  const rule = rules.find((r) => r.id === id);
  if (!rule) notFound(id);
  if (expectedVersion !== undefined && expectedVersion !== rule.version) {
    fail(
      "version_conflict",
      `Rule "${rule.name}" is at version ${rule.version}, not ${expectedVersion}`,
      412,
      {
        currentVersion: rule.version,
      },
    );
  }
  return rule;
}

async function bumpSet(tx: TransactionSql, tenant: string): Promise<number> {
  const [row] = await tx<{ version: string }[]>`
    update routing_rule_sets set version = version + 1, updated_at = now()
    where tenant = ${tenant} returning version`;
  return Number(row.version);
}

async function record(
  tx: TransactionSql,
  change: { tenant: string; actorId: string },
  id: string,
  version: number,
  kind: RuleVersion["change"],
  body: RuleBody,
  setVersion: number,
): Promise<void> {
  await tx`
    insert into routing_rule_history (tenant, rule_id, version, change, body, set_version, actor_id)
    values (${change.tenant}, ${id}, ${version}, ${kind}, ${tx.json(body as never)},
      ${setVersion}, ${change.actorId})`;
}

function notFound(id: string): never {
  fail("rule_not_found", `No rule "${id.slice(0, 32)}" in this tenant`, 404, {
    ruleId: id.slice(0, 32),
  });
}
