export interface TeamTable {
  id: string;
  name: string;
  /** The business account the team works for; `null` = shared by every business account. */
  waba_id: string | null;
  created_at: number;
  updated_at: number;
}

export interface TeamMemberTable {
  team_id: string;
  user_id: string;
  created_at: number;
}

export interface TeamTables {
  teams: TeamTable;
  team_members: TeamMemberTable;
}
