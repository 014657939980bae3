//! Sharing this shop with other stations: the owner's standalone shop copied, verified, into
//! the shop's own PostgreSQL server (see `store::pg`), by someone who may change its settings.

use crate::error::Result;
use crate::shop::staff::{authorize, Permission, Session};
use crate::store::pg::{self, Shared};
use crate::Shop;

impl Shop {
    /// Copies this shop into the empty server database `server` is connected to, in one
    /// verified transaction; on any error the server is left as it was. This shop's own file
    /// is only read.
    pub fn share_with_stations(
        &self,
        session: &Session,
        server: &mut postgres::Client,
    ) -> Result<Shared> {
        self.db
            .read(|c| authorize(c, session, Permission::SettingsManage))?;
        pg::share(&self.db, server)
    }
}
