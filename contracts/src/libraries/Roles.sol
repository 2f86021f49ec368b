// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

/// @title Role identifiers shared by every registry contract
library Roles {
    /// @notice Registration bodies (登记机构): admit parties, issue and correct certificates.
    bytes32 internal constant REGISTRAR = keccak256("REGISTRAR_ROLE");
    /// @notice Third-party review bodies: anchor review reports.
    bytes32 internal constant REVIEWER = keccak256("REVIEWER_ROLE");
    /// @notice Arbitration bodies (仲裁机构): rule on disputes assigned to them.
    bytes32 internal constant ARBITRATOR = keccak256("ARBITRATOR_ROLE");
}
