// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {ERC721} from "@openzeppelin/contracts/token/ERC721/ERC721.sol";
import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {IGovernance} from "../interfaces/IGovernance.sol";
import {IRightsRegistry} from "../interfaces/IRightsRegistry.sol";
import {
    AssetCore,
    AssetKind,
    AssetStatus,
    AuthKind,
    Category,
    Certificate,
    CertificateStatus,
    Grant,
    GrantStatus,
    Right,
    SubjectKind
} from "../types/DataRightsTypes.sol";

/// @title Shared state and rule checks of the rights registry
/// @dev The ledgers (assets, certificates, grants) inherit this; each rule check lives here once.
/// Validity of grants and of certificates resting on grants is computed by walking up the parent
/// chain, which the policy's grant depth bounds, so a revocation ends everything resting on it at once.
abstract contract RightsBase is ERC721, IRightsRegistry {
    /// @dev Hard upper bound on the grant chain, whatever the policy says (Governance caps it at 8).
    uint256 internal constant MAX_CHAIN = 10;

    IGovernance internal immutable GOVERNANCE;
    address internal immutable GRANT_DESK;
    address internal immutable DISPUTES;

    mapping(bytes32 asset => AssetCore) internal _assets;
    uint256 internal _assetCount;

    mapping(uint256 certificateId => Certificate) internal _certificates;
    uint256 internal _certificateCount;
    /// @dev (asset, processing or operating right, holder) => the pending or active certificate for it.
    mapping(bytes32 key => uint256 certificateId) internal _certificateByKey;
    /// @dev The latest holding certificate applied for on each asset. The holding right is one per
    /// asset: whoever holds it (after transfers too), nobody else may apply for it while it is live.
    mapping(bytes32 asset => uint256 certificateId) internal _holdingCertificate;

    mapping(uint256 grantId => Grant) internal _grants;
    uint256 internal _grantCount;

    mapping(SubjectKind kind => mapping(bytes32 subject => uint16 open)) internal _openDisputes;
    mapping(bytes32 asset => uint16 open) internal _ownershipDisputes;

    /// @dev Lineage and dependency edges walked by the revocation cascade.
    mapping(bytes32 asset => bytes32[] products) internal _children;
    mapping(uint256 authNode => bytes32[] products) internal _derivedUnder;
    mapping(uint256 authNode => uint256[] authNodes) internal _dependents;

    constructor(IGovernance governance, address grantDesk, address disputes)
        ERC721("datarights Registration Certificate", "DRC")
    {
        GOVERNANCE = governance;
        GRANT_DESK = grantDesk;
        DISPUTES = disputes;
    }

    // ------------------------------------------------------------ access

    function _checkRole(bytes32 role) internal view {
        if (!GOVERNANCE.hasRole(role, msg.sender)) {
            revert IAccessControl.AccessControlUnauthorizedAccount(msg.sender, role);
        }
    }

    function _checkModule(address module) internal view {
        if (msg.sender != module) revert CallerNotModule(msg.sender);
    }

    // ------------------------------------------------------------ assets

    function _requireAsset(bytes32 asset) internal view returns (AssetCore storage core) {
        core = _assets[asset];
        if (core.status == AssetStatus.None) revert AssetNotFound(asset);
    }

    /// @dev The asset exists, is neither revoked nor tainted, and is not frozen.
    function _requireUsableAsset(bytes32 asset) internal view returns (AssetCore storage core) {
        core = _requireAsset(asset);
        if (core.status != AssetStatus.Active) revert AssetNotUsable(asset, core.status);
        if (_openDisputes[SubjectKind.Asset][asset] != 0) revert SubjectFrozen(SubjectKind.Asset, asset);
    }

    function _isPublicResource(AssetCore storage core) internal view returns (bool) {
        return core.category == Category.Public && core.kind == AssetKind.Resource;
    }

    // ------------------------------------------------------------ certificates

    function _requireCertificate(uint256 certificateId) internal view returns (Certificate storage c) {
        c = _certificates[certificateId];
        if (c.status == CertificateStatus.None) revert CertificateNotFound(certificateId);
    }

    function _certificateKey(bytes32 asset, Right right, address holder) internal pure returns (bytes32) {
        return keccak256(abi.encode(asset, right, holder));
    }

    /// @dev The pending or active (and unexpired) certificate of `holder` for (asset, right), or 0.
    function _liveCertificate(bytes32 asset, Right right, address holder) internal view returns (uint256 id) {
        if (right == Right.Holding) {
            id = _liveHolding(asset);
            return _ownerOf(id) == holder ? id : 0;
        }
        id = _certificateByKey[_certificateKey(asset, right, holder)];
        if (!_isLive(id)) return 0;
    }

    /// @dev The pending or active, unexpired holding certificate on `asset`, whoever holds it, or 0.
    function _liveHolding(bytes32 asset) internal view returns (uint256 id) {
        id = _holdingCertificate[asset];
        if (!_isLive(id)) return 0;
    }

    function _isLive(uint256 certificateId) private view returns (bool) {
        Certificate storage c = _certificates[certificateId];
        return c.status == CertificateStatus.Notice
            || (c.status == CertificateStatus.Active && block.timestamp < c.validUntil);
    }

    /// @dev Active, in term, on an active asset, resting on an effective grant; optionally unfrozen too.
    function _certificateValid(uint256 certificateId, bool unfrozen) internal view returns (bool) {
        Certificate storage c = _certificates[certificateId];
        if (c.status != CertificateStatus.Active || block.timestamp >= c.validUntil) return false;
        if (_assets[c.asset].status != AssetStatus.Active) return false;
        if (unfrozen) {
            if (_openDisputes[SubjectKind.Certificate][bytes32(certificateId)] != 0) return false;
            if (_openDisputes[SubjectKind.Asset][c.asset] != 0) return false;
        }
        uint256 holding = c.basisCertificate;
        if (holding != 0) {
            // A right in one's own name rests on one's holding right: it ends when that ends or moves.
            if (_ownerOf(holding) != _ownerOf(certificateId) || !_certificateValid(holding, unfrozen)) return false;
        }
        return c.basisGrant == 0 || _grantValid(c.basisGrant, unfrozen);
    }

    // ------------------------------------------------------------ grants

    /// @dev Active and in term all the way up to an effective root certificate; optionally unfrozen too.
    function _grantValid(uint256 grantId, bool unfrozen) internal view returns (bool) {
        for (uint256 i = 0; i < MAX_CHAIN; ++i) {
            Grant storage g = _grants[grantId];
            if (g.status != GrantStatus.Active) return false;
            if (block.timestamp < g.validFrom || block.timestamp >= g.validUntil) return false;
            if (unfrozen && _openDisputes[SubjectKind.Grant][bytes32(grantId)] != 0) return false;
            if (g.parentKind == AuthKind.Certificate) return _certificateValid(g.parentId, unfrozen);
            grantId = g.parentId;
        }
        return false;
    }

    function _grantAsset(uint256 grantId) internal view returns (bytes32) {
        for (uint256 i = 0; i < MAX_CHAIN; ++i) {
            Grant storage g = _grants[grantId];
            if (g.parentKind == AuthKind.Certificate) return _certificates[g.parentId].asset;
            grantId = g.parentId;
        }
        return bytes32(0);
    }

    function _requireGrant(uint256 grantId) internal view returns (Grant storage g) {
        g = _grants[grantId];
        if (g.status == GrantStatus.None) revert GrantNotFound(grantId);
    }

    /// @dev Holder of the right a grant rests on: the parent certificate's owner or the parent grant's grantee.
    function _grantorOf(uint256 grantId) internal view returns (address) {
        Grant storage g = _grants[grantId];
        if (g.parentKind == AuthKind.Certificate) return _ownerOf(g.parentId);
        return _grants[g.parentId].grantee;
    }

    /// @dev Whether `account` may process `asset` through the authorization now (invariant 3).
    function _canProcess(address account, bytes32 asset, AuthKind kind, uint256 id, bool unfrozen)
        internal
        view
        returns (bool)
    {
        if (kind == AuthKind.Certificate) {
            Certificate storage c = _certificates[id];
            return c.asset == asset && c.right == Right.Processing && _ownerOf(id) == account
                && _certificateValid(id, unfrozen);
        }
        Grant storage g = _grants[id];
        return g.grantee == account && g.right == Right.Processing && _grantAsset(id) == asset
            && _grantValid(id, unfrozen);
    }

    /// @dev Whether a holder of `parent` may pass on `child`: holding covers processing and operating,
    /// operating covers licensing (operating) and use (processing), processing covers processing.
    function _rightCovers(Right parent, Right child) internal pure returns (bool) {
        return parent == child || parent == Right.Holding || (parent == Right.Operating && child == Right.Processing);
    }

    // ------------------------------------------------------------ graph nodes

    function _authNode(AuthKind kind, uint256 id) internal pure returns (uint256) {
        return (uint256(kind == AuthKind.Certificate ? SubjectKind.Certificate : SubjectKind.Grant) << 248) | id;
    }

    function _subjectFrozen(SubjectKind kind, bytes32 subject) internal view returns (bool) {
        return _openDisputes[kind][subject] != 0;
    }
}
