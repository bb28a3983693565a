export interface SettingTable {
  key: string;
  value_json: string;
  updated_at: number;
}

export interface SettingTables {
  settings: SettingTable;
}
