//! Changing settings: each setting names the permission that may change it.

use kernel::settings::{FOUNDATION, SettingDef};

use crate::{Actor, Error, Platform, Result};

impl Platform {
    /// The foundation's settings with the values in force.
    pub async fn settings(&self) -> Result<Vec<(SettingDef, String)>> {
        self.settings_of(FOUNDATION).await
    }

    /// The password policy in force (shown beside every password field).
    pub async fn password_policy(&self) -> Result<String> {
        Ok(db::settings::load(&self.db)
            .await?
            .security()
            .password
            .describe())
    }

    /// Whether the database answers (one cheap statement), for load balancers.
    pub async fn ping(&self) -> Result<()> {
        db::audit::head(&self.db).await?;
        Ok(())
    }

    /// These settings (the foundation's and the modules') with the values in force.
    pub async fn settings_of(&self, defs: &[SettingDef]) -> Result<Vec<(SettingDef, String)>> {
        let stored = db::settings::load(&self.db).await?;
        Ok(defs.iter().map(|d| (*d, stored.value(d))).collect())
    }

    /// Changes a foundation setting, checked against its range; a change is an audit event.
    pub async fn update_setting(&self, actor: &Actor, key: &str, value: &str) -> Result<()> {
        self.update_setting_in(actor, FOUNDATION, key, value).await
    }

    /// Changes one of `defs`.
    pub async fn update_setting_in(
        &self,
        actor: &Actor,
        defs: &[SettingDef],
        key: &str,
        value: &str,
    ) -> Result<()> {
        let def = defs
            .iter()
            .find(|d| d.key == key)
            .ok_or_else(|| Error::NotFound(format!("设置项“{key}”")))?;
        self.require(actor, def.permission, "setting", key).await?;
        let value = def.parse(value).map_err(Error::Invalid)?;
        let old = db::settings::load(&self.db).await?.value(def);
        if old == value {
            return Ok(());
        }
        let def = *def;
        self.db
            .write(&actor.who(), move |tx| {
                Box::pin(async move { db::settings::store(tx, &def, &old, &value).await })
            })
            .await?;
        Ok(())
    }
}
